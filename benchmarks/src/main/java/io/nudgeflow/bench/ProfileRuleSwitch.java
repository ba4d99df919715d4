package io.nudgeflow.bench;

import io.nudgeflow.embedded.EmbeddedKafka;
import io.nudgeflow.pipeline.JobStart;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Event-driven latency while a rule switch makes the job check every user's timer again (issue 14): the real
 * job on a mini cluster with RocksDB, {@code USERS} users' state pre-loaded, probes at {@code RATE} events/s,
 * and a rule set published a third into the measured time whose new 2 h inactivity rule moves every user's
 * timer earlier — the worst case, every checked user written back. Side by side: the timer check in time
 * slices between records (the job's default, 5 ms of checks then 5 ms for records) and all at once, as a
 * function applied to every key in one go would do it.
 *
 * <p>{@code ProfileRuleSwitch USERS RATE MEASURE_SECONDS SLICE[,SLICE...] [recent|spread]}, e.g.
 * {@code 1000000 2000 45 5ms,all,5ms,all spread}. {@code recent} (the default): every user was active an hour
 * before, so the new rule moves every timer and every user is rewritten (the worst case); {@code spread}: last
 * activity spread over the 23 h before (no deadline of the default rules has passed yet), so only the users
 * active in the last 2 h, about 9 %, move.
 */
public final class ProfileRuleSwitch {
    private ProfileRuleSwitch() {}

    public static void main(String[] args) throws Exception {
        int users = Integer.parseInt(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        boolean spread = args.length > 4 && args[4].equals("spread");
        List<Result> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String slice : args[3].split(",")) {
                results.add(run(kafka, users, rate, seconds, slice, spread));
            }
        }
        System.out.println();
        System.out.printf("%-14s %10s %10s %10s %10s %10s%n", "timer check", "p50 before", "p99 before", "p50 after", "p99 after", "max after");
        for (Result r : results) {
            System.out.printf("%-14s %8.1fms %8.1fms %8.1fms %8.1fms %8.1fms%n", r.label(),
                    r.before.getValueAtPercentile(50) / 1e3, r.before.getValueAtPercentile(99) / 1e3,
                    r.after.getValueAtPercentile(50) / 1e3, r.after.getValueAtPercentile(99) / 1e3, r.after.getMaxValue() / 1e3);
        }
        System.exit(0);
    }

    record Result(String slice, Histogram before, Histogram after) {
        String label() {
            return slice.equals("all") ? "all at once" : slice + " slices";
        }

        Summary summary(int users, int rate) {
            return new Summary(users, rate, label(),
                    before.getValueAtPercentile(50) / 1e3, before.getValueAtPercentile(99) / 1e3,
                    after.getValueAtPercentile(50) / 1e3, after.getValueAtPercentile(99) / 1e3, after.getMaxValue() / 1e3,
                    after.getTotalCount());
        }
    }

    /** Milliseconds; {@code after}: the probes sent from the switch on, for two thirds of the measured time. */
    record Summary(int users, int rate, String timerCheck, double p50Before, double p99Before, double p50After,
            double p99After, double maxAfter, long samplesAfter) {}

    /** @param slice {@code 5ms}, or {@code all}: the whole check in one turn */
    static Result run(EmbeddedKafka kafka, int users, int rate, int seconds, String slice) throws Exception {
        return run(kafka, users, rate, seconds, slice, false);
    }

    /** @param spread users' last activity spread over the 23 h before, else all of it an hour before */
    static Result run(EmbeddedKafka kafka, int users, int rate, int seconds, String slice, boolean spread) throws Exception {
        String run = "rs-" + slice + "-" + System.nanoTime() % 100_000;
        String in = run + "-in";
        String out = run + "-out";
        kafka.createTopics(Jobs.PARALLELISM, List.of(in));
        kafka.createTopics(Jobs.PARALLELISM, Jobs.nudgeflowOutputs(out));
        kafka.createTopics(1, List.of(out + "-rules", out + "-rules-status"));
        System.setProperty("bench.timerRecheckSlice", slice.equals("all") ? "1d" : slice);
        StreamExecutionEnvironment env = Jobs.environment();
        Jobs.build(JobKind.NUDGEFLOW, env, kafka.bootstrapServers(), in, out, run, false);
        JobClient job = env.executeAsync("rule-switch-" + slice);
        JobStart.awaitRunning(job, Duration.ofSeconds(60));
        try {
            preload(kafka, in, out, users, spread);
            try (LatencyConsumer consumer = LatencyConsumer.ofTriggers(kafka.bootstrapServers(), out).ready();
                    OpenLoopProducer producer = new OpenLoopProducer(kafka.bootstrapServers())) {
                Thread reader = new Thread(consumer, "latency-consumer");
                reader.start();
                long warmup = 10;
                consumer.warmupFromNanos = System.nanoTime();
                consumer.measureFromNanos = consumer.warmupFromNanos + TimeUnit.SECONDS.toNanos(warmup);
                consumer.markNanos = consumer.measureFromNanos + TimeUnit.SECONDS.toNanos(seconds / 3);
                // after the switch: long enough for the whole check at a few µs per user
                consumer.markEndNanos = consumer.markNanos + TimeUnit.SECONDS.toNanos(seconds * 2 / 3);
                Thread switcher = new Thread(() -> {
                    try {
                        TimeUnit.NANOSECONDS.sleep(consumer.markNanos - System.nanoTime());
                        publish(kafka, out + "-rules");
                        System.out.printf("  rule switch published at %+.1f s of the measured time%n",
                                (System.nanoTime() - consumer.measureFromNanos) / 1e9);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "switcher");
                switcher.start();
                producer.run(new Workload(users, 1.0, 5), in, rate, warmup + seconds);
                switcher.join();
                long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < quiet) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                consumer.stop();
                reader.join(5_000);
                System.out.printf("  timer check %-14s @%,d/s with %,d users: before the switch p50 %.1f ms p99 %.1f ms; "
                                + "after it p50 %.1f ms p99 %.1f ms max %.1f ms (%,d and %,d samples)%n",
                        slice.equals("all") ? "all at once" : slice + " slices", rate, users,
                        consumer.beforeMark.getValueAtPercentile(50) / 1e3, consumer.beforeMark.getValueAtPercentile(99) / 1e3,
                        consumer.afterMark.getValueAtPercentile(50) / 1e3, consumer.afterMark.getValueAtPercentile(99) / 1e3,
                        consumer.afterMark.getMaxValue() / 1e3, consumer.beforeMark.getTotalCount(), consumer.afterMark.getTotalCount());
                System.out.println("    worst latency (ms) in each second measured: " + consumer.worstPerSecond());
                return new Result(slice, consumer.beforeMark, consumer.afterMark);
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * One lesson per user, an hour ago (or spread over the last 23 hours): every user has state and a timer;
     * waits until all are in.
     */
    private static void preload(EmbeddedKafka kafka, String in, String out, int users, boolean spread) throws Exception {
        long start = System.nanoTime();
        Workload workload = new Workload(users, 0, 3);
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (OpenLoopProducer producer = new OpenLoopProducer(kafka.bootstrapServers())) {
            for (int u = 0; u < users; u++) {
                long time = spread ? hourAgo + 3_600_000L - (long) u * 23 * 3_600_000L / users : hourAgo + u % 60_000;
                producer.send(in, workload.record(u, "lesson_completed", time, Map.of(), null));
            }
            producer.flush();
        }
        // every user's first sighting is a segment change: all of them read means every user has state
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "preload-" + out, "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(out + "-segments"));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < users && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    // deadlines of the users active days ago fire too: only first sightings count users in
                    if (io.nudgeflow.avro.SegmentChange.getDecoder().decode(r.value()).getFromStage() == null) {
                        seen++;
                    }
                }
            }
        }
        System.out.printf("  pre-loaded %,d users in %.1f s%n", seen, (System.nanoTime() - start) / 1e9);
        if (seen < users) {
            throw new IllegalStateException("only " + seen + " of " + users + " users reached the job");
        }
    }

    /** The benchmark's rules as a document, plus a 2 h inactivity rule: every user's deadline moves earlier. */
    static String switchedRules() {
        return RuleSetParser.defaultText()
                .replace("version: default-2026-11-22", "version: bench-switched")
                .replace("frequency_cap_per_local_day: 3", "frequency_cap_per_local_day: 0")
                .replace("quiet_hours: {start: \"22:00\", end: \"08:00\", kinds: [REENGAGEMENT, NUDGE]}", "quiet_hours: off")
                .replace("rules:\n", """
                        rules:
                          - id: inactive_2h
                            kind: NUDGE
                            type: inactivity
                            after: 2h
                          - id: latency_probe
                            kind: NUDGE
                            type: on_event
                            event: latency_probe
                            attributes: {sent_nanos: "{properties.sent_nanos}"}
                        """);
    }

    private static void publish(EmbeddedKafka kafka, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "default".getBytes(StandardCharsets.UTF_8),
                    switchedRules().getBytes(StandardCharsets.UTF_8))).get(15, TimeUnit.SECONDS);
        }
    }
}
