package io.nudgeflow.bench;

import io.nudgeflow.embedded.EmbeddedKafka;
import io.nudgeflow.pipeline.JobStart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The stages that run against the embedded Kafka broker: throughput, latency at fixed rates, deadline lateness. */
final class KafkaStages {
    private final EmbeddedKafka kafka;
    private final Settings settings;
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    KafkaStages(EmbeddedKafka kafka, Settings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    // ---------------------------------------------------------------- throughput

    /**
     * Input events per second each job drains from a pre-loaded topic, sustained and over the whole drain: the
     * median of {@code throughputRounds} rounds, each running every job once (interleaved, so that a noisy
     * minute on the machine does not land on one job only).
     */
    Throughput throughput() throws Exception {
        String in = "tp-in-" + run;
        kafka.createTopics(Jobs.PARALLELISM, List.of(in));
        try (OpenLoopProducer producer = new OpenLoopProducer(kafka.bootstrapServers())) {
            producer.burst(new Workload(settings.users(), settings.probeShare(), 1), in, settings.throughputEvents());
        }
        long events = settings.throughputEvents();
        Map<JobKind, List<Double>> steady = new HashMap<>();
        Map<JobKind, List<Double>> whole = new HashMap<>();
        for (int round = 1; round <= settings.throughputRounds(); round++) {
            for (JobKind kind : JobKind.values()) {
                Span span;
                if (kind == JobKind.KAFKA_ONLY) {
                    span = Span.read(kafka.bootstrapServers(), List.of(in), true, r -> true);
                } else {
                    String out = "tp-out-" + kind.name().toLowerCase() + "-" + round + "-" + run;
                    createOutputs(kind, out);
                    StreamExecutionEnvironment env = Jobs.environment();
                    Jobs.build(kind, env, kafka.bootstrapServers(), in, out, "tp-" + kind + round + run, true);
                    env.execute("throughput-" + kind);
                    // timed by the records the job wrote (sink timestamps), not by job start-up
                    span = Span.ofDrain(kafka.bootstrapServers(), kind, out);
                    settle();
                }
                steady.computeIfAbsent(kind, k -> new ArrayList<>()).add(span.steadyRate(events));
                whole.computeIfAbsent(kind, k -> new ArrayList<>()).add(span.wholeRate(events));
                System.out.printf("  throughput round %d %-18s %,10.0f events/s sustained, %,10.0f over the whole drain%n",
                        round, kind, span.steadyRate(events), span.wholeRate(events));
            }
        }
        return new Throughput(steady, whole);
    }

    /**
     * Each job's rates, one per round.
     *
     * @param steady over the second half of the drain (the target's measure)
     * @param whole first to last output, warm-up included
     */
    record Throughput(Map<JobKind, List<Double>> steady, Map<JobKind, List<Double>> whole) {
        double steadyMedian(JobKind kind) {
            return median(steady.get(kind));
        }

        double wholeMedian(JobKind kind) {
            return median(whole.get(kind));
        }

        private static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    // ---------------------------------------------------------------- latency

    /** End-to-end latency percentiles (µs) of each job at a fixed, open-loop rate. */
    Map<JobKind, Histogram> latency(int rate) throws Exception {
        return latency(rate, List.of(JobKind.values()));
    }

    Map<JobKind, Histogram> latency(int rate, List<JobKind> kinds) throws Exception {
        Map<JobKind, Histogram> result = new HashMap<>();
        for (JobKind kind : kinds) {
            String in = "lat-in-" + kind.name().toLowerCase() + "-" + rate + "-" + run;
            String out = "lat-out-" + kind.name().toLowerCase() + "-" + rate + "-" + run;
            kafka.createTopics(Jobs.PARALLELISM, List.of(in));
            JobClient job = null;
            if (kind != JobKind.KAFKA_ONLY) {
                createOutputs(kind, out);
                StreamExecutionEnvironment env = Jobs.environment();
                Jobs.build(kind, env, kafka.bootstrapServers(), in, out, "lat-" + kind + rate + run, false);
                job = env.executeAsync("latency-" + kind + "-" + rate);
                JobStart.awaitRunning(job, Duration.ofSeconds(60));
            }
            String measured = kind == JobKind.KAFKA_ONLY ? in : out;
            try (LatencyConsumer consumer = (kind == JobKind.NUDGEFLOW
                    ? LatencyConsumer.ofTriggers(kafka.bootstrapServers(), measured)
                    : LatencyConsumer.ofEvents(kafka.bootstrapServers(), measured)).ready();
                    OpenLoopProducer producer = new OpenLoopProducer(kafka.bootstrapServers())) {
                Thread reader = new Thread(consumer, "latency-consumer");
                reader.start();
                consumer.warmupFromNanos = System.nanoTime();
                consumer.measureFromNanos = consumer.warmupFromNanos + (long) (settings.warmupSeconds() * 1e9);
                producer.run(new Workload(settings.users(), settings.probeShare(), rate), in, rate,
                        settings.warmupSeconds() + settings.measureSeconds());
                awaitQuiet(consumer);
                consumer.stop();
                reader.join(5_000);
                result.put(kind, consumer.micros);
                System.out.printf("  latency %-18s @%,7d/s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  (%,d samples)%n",
                        kind, rate, consumer.micros.getValueAtPercentile(50) / 1e3, consumer.micros.getValueAtPercentile(99) / 1e3,
                        consumer.micros.getValueAtPercentile(99.9) / 1e3, consumer.micros.getTotalCount());
                System.out.println("    worst latency (ms) in each second of the warm-up: " + consumer.worstPerWarmupSecond());
                System.out.println("    worst latency (ms) in each second measured: " + consumer.worstPerSecond());
            } finally {
                if (job != null) {
                    job.cancel().get(60, TimeUnit.SECONDS);
                }
                settle();
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- deadlines

    /** Deadline lateness under the report's background load. */
    DeadlineResult deadlines() throws Exception {
        return deadlines(settings.deadlineBackgroundRate());
    }

    /**
     * Deadline lateness: users whose 24 h inactivity deadline falls a few seconds after they are sent, while
     * other users keep the job busy at {@code backgroundRate} events/s (0: a quiet stream, nothing but the
     * seeds). Lateness = arrival at the consumer (wall clock) minus the deadline; also emitted_at minus the
     * deadline.
     */
    DeadlineResult deadlines(int backgroundRate) throws Exception {
        String in = "dl-in-" + run;
        String out = "dl-out-" + run;
        kafka.createTopics(Jobs.PARALLELISM, List.of(in));
        createOutputs(JobKind.NUDGEFLOW, out);
        StreamExecutionEnvironment env = Jobs.environment();
        Jobs.build(JobKind.NUDGEFLOW, env, kafka.bootstrapServers(), in, out, "dl-" + run, false);
        JobClient job = env.executeAsync("deadlines");
        JobStart.awaitRunning(job, Duration.ofSeconds(60));
        Histogram arrival = new Histogram(3_600_000L, 3);
        Histogram emitted = new Histogram(3_600_000L, 3);
        long lead = 5_000;
        long firstDeadline = System.currentTimeMillis() + lead;
        long[] worstBySecond = new long[(int) settings.deadlineSeconds() + 10];
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(out);
                OpenLoopProducer background = new OpenLoopProducer(kafka.bootstrapServers());
                OpenLoopProducer seeds = new OpenLoopProducer(kafka.bootstrapServers())) {
            Thread load = new Thread(() -> background.run(new Workload(settings.users(), 0, 7), in,
                    backgroundRate, settings.deadlineSeconds() + lead / 1000.0 + 2));
            if (backgroundRate > 0) {
                load.start();
            }
            Workload seedWorkload = new Workload(1, 0, 11);
            long gapNanos = (long) (settings.deadlineSeconds() * 1e9 / settings.deadlineSeeds());
            long next = System.nanoTime();
            for (int i = 0; i < settings.deadlineSeeds(); i++) {
                while (System.nanoTime() < next) {
                    drain(consumer, arrival, emitted, firstDeadline, worstBySecond);
                }
                next += gapNanos;
                // active 24 h ago minus `lead`: the inactivity deadline comes `lead` ms from now, by the wall clock
                long eventTime = System.currentTimeMillis() - Duration.ofHours(24).toMillis() + lead;
                seeds.send(in, seedWorkload.record("dl-" + i, "UTC", "lesson_completed", eventTime, Map.of(), null));
            }
            seeds.flush();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lead + 4_000);
            while (System.nanoTime() < until && arrival.getTotalCount() < 2L * settings.deadlineSeeds()) {
                drain(consumer, arrival, emitted, firstDeadline, worstBySecond);
            }
            if (backgroundRate > 0) {
                load.join();
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        System.out.printf("  deadline lateness at %,d background events/s: arrival p50 %d ms p99 %d ms max %d ms; "
                + "emitted_at p50 %d ms p99 %d ms (%,d deadlines)%n", backgroundRate,
                arrival.getValueAtPercentile(50), arrival.getValueAtPercentile(99), arrival.getMaxValue(),
                emitted.getValueAtPercentile(50), emitted.getValueAtPercentile(99), arrival.getTotalCount());
        System.out.println("    worst lateness (ms) of the deadlines in each second: " + LatencyConsumer.perSecond(worstBySecond, 1));
        return new DeadlineResult(arrival, emitted, 2L * settings.deadlineSeeds());
    }

    record DeadlineResult(Histogram arrivalMillis, Histogram emittedMillis, long expected) {}

    /** @param worstBySecond the worst arrival lateness among the deadlines of each second from {@code firstDeadline} */
    private static void drain(KafkaConsumer<byte[], byte[]> consumer, Histogram arrival, Histogram emitted,
            long firstDeadline, long[] worstBySecond) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
            long now = System.currentTimeMillis();
            var t = LatencyConsumer.decodeTrigger(r.value());
            if (t.getUserId().startsWith("dl-")
                    && (t.getRuleId().equals("inactive_24h") || t.getRuleId().equals("onboarding_stalled"))) {
                long fire = t.getFireTime().toEpochMilli();
                arrival.recordValue(Math.max(0, now - fire));
                int second = (int) Math.max(0, Math.min(worstBySecond.length - 1, (fire - firstDeadline) / 1000));
                worstBySecond[second] = Math.max(worstBySecond[second], now - fire);
                emitted.recordValue(Math.max(0, t.getEmittedAt().toEpochMilli() - fire));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Lets the previous job's mini cluster wind down (threads, RocksDB, garbage) before the next measurement. */
    private static void settle() throws InterruptedException {
        System.gc();
        TimeUnit.SECONDS.sleep(2);
    }

    private void createOutputs(JobKind kind, String out) {
        kafka.createTopics(Jobs.PARALLELISM, outputsOf(kind, out));
    }

    private static List<String> outputsOf(JobKind kind, String out) {
        return kind == JobKind.NUDGEFLOW
                ? Jobs.nudgeflowOutputs(out)
                : List.of(out);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "bench-" + topic, "auto.offset.reset", "earliest", "fetch.max.wait.ms", 10),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Waits until the consumer saw nothing new for a second (at most 15 s): the tail is in. */
    private static void awaitQuiet(LatencyConsumer consumer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long last = -1;
        while (System.nanoTime() < deadline && consumer.received != last) {
            last = consumer.received;
            TimeUnit.SECONDS.sleep(1);
        }
    }

    /**
     * What a drain looked like from its outputs: how many records, and the times of the <em>pace</em> records —
     * those that stand for input events one for one (every record of the baselines; Nudgeflow's probe
     * triggers, a tenth of the events spread uniformly over the input).
     */
    static final class Span {
        long count;
        private long[] paceMs = new long[1024];
        private int paces;

        /** Events per second from the first to the last pace record: warm-up included. */
        double wholeRate(long events) {
            sort();
            return events / (Math.max(1, paceMs[paces - 1] - paceMs[0]) / 1000.0);
        }

        /**
         * Events per second over the second half of the pace records: the sustained rate, once the JIT has
         * compiled the job and the first sight of every user (new state, lifecycle changes) is behind it.
         */
        double steadyRate(long events) {
            sort();
            int mid = paces / 2;
            double share = (paces - 1 - mid) / (double) paces;
            return events * share / (Math.max(1, paceMs[paces - 1] - paceMs[mid]) / 1000.0);
        }

        private void sort() {
            if (paces < 2) {
                throw new IllegalStateException("the drain wrote " + paces + " pace records: nothing to measure");
            }
            Arrays.sort(paceMs, 0, paces);
        }

        private void pace(long ms) {
            if (paces == paceMs.length) {
                paceMs = Arrays.copyOf(paceMs, paces * 2);
            }
            paceMs[paces++] = ms;
        }

        /** @param byReadTime time records by when they were read (Kafka only) instead of their timestamps */
        static Span read(String bootstrap, List<String> topics, boolean byReadTime, Predicate<ConsumerRecord<byte[], byte[]>> pace) {
            Span span = new Span();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "max.poll.records", 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : topics) {
                    for (PartitionInfo p : c.partitionsFor(topic)) {
                        partitions.add(new TopicPartition(topic, p.partition()));
                    }
                }
                c.assign(partitions);
                c.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = c.endOffsets(partitions);
                while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        span.count++;
                        if (pace.test(r)) {
                            span.pace(byReadTime ? System.currentTimeMillis() : r.timestamp());
                        }
                    }
                }
            }
            return span;
        }

        /** Read the outputs of a drain by {@code kind} whose main output topic is {@code out}. */
        static Span ofDrain(String bootstrap, JobKind kind, String out) {
            if (kind != JobKind.NUDGEFLOW) {
                return read(bootstrap, List.of(out), false, r -> true);
            }
            return read(bootstrap, List.of(out, out + "-segments"), false, r -> r.topic().equals(out)
                    && LatencyConsumer.decodeTrigger(r.value()).getRuleId().equals(Workload.PROBE_EVENT));
        }
    }
}
