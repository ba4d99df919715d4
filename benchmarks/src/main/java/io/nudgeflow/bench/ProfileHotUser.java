package io.nudgeflow.bench;

import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import io.nudgeflow.domain.UserStateCodec;
import io.nudgeflow.embedded.EmbeddedKafka;
import io.nudgeflow.pipeline.JobStart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The hot-user attack of issue 12: one user sends a flood of nudge-firing events during their quiet hours
 * (every trigger of theirs must wait for 08:00 in their state) while other users trickle latency probes
 * answered at once. Reports the other users' event-to-trigger latency before and during the flood, split by
 * whether they share the hot user's Kafka partition and engine subtask, and the hot user's state size and
 * cost per event in the domain engine over the same events.
 *
 * <p>{@code ProfileHotUser [hotEvents=300000] [hotRate=5000] [others=1000] [otherRate=400] [quietSeconds=30]
 * [domainEvents=hotEvents] [floodUsers=1]}: with {@code floodUsers} > 1 the same flood comes from that many
 * users (a control: the same load without a hot user).
 */
public final class ProfileHotUser {
    private static final String HOT = "hot-user";
    private static final long WARMUP_SECONDS = 15;

    private ProfileHotUser() {}

    public static void main(String[] args) throws Exception {
        int hotEvents = intArg(args, 0, 300_000);
        int hotRate = intArg(args, 1, 5_000);
        int others = intArg(args, 2, 1_000);
        int otherRate = intArg(args, 3, 400);
        int quietSeconds = intArg(args, 4, 30);
        // the zones are picked when the run starts: the hot user's night, the others' day
        String hotZone = zoneWhereItIs(LocalTime.of(0, 30), LocalTime.of(4, 0));
        String dayZone = zoneWhereItIs(LocalTime.of(10, 0), LocalTime.of(17, 0));
        System.out.printf("hot user: %,d events at %,d/s in %s (night); %,d other users at %,d events/s in %s (day)%n",
                hotEvents, hotRate, hotZone, others, otherRate, dayZone);
        RuleSet rules = BenchRules.load(true);

        int floodUsers = intArg(args, 6, 1);
        Histogram[][] latency = runOnKafka(rules, hotEvents, hotRate, others, otherRate, quietSeconds, hotZone, dayZone,
                floodUsers);
        String[] groups = {"same partition, same subtask", "same partition, other subtask",
                "other partition, same subtask", "other partition, other subtask"};
        for (int g = 0; g < 4; g++) {
            Histogram before = latency[0][g];
            Histogram during = latency[1][g];
            System.out.printf("  others, %-31s before the flood p50 %6.1f ms p99 %7.1f ms (%,d) | during p50 %6.1f ms p99 %8.1f ms max %8.1f ms (%,d) | p99 x%.2f%n",
                    groups[g], ms(before, 50), ms(before, 99), before.getTotalCount(), ms(during, 50), ms(during, 99),
                    during.getMaxValue() / 1e3, during.getTotalCount(), ms(during, 99) / Math.max(0.001, ms(before, 99)));
        }
        hotUserInTheDomain(rules, intArg(args, 5, hotEvents), hotZone);
    }

    private static Histogram[][] runOnKafka(RuleSet rules, int hotEvents, int hotRate, int others, int otherRate,
            int quietSeconds, String hotZone, String dayZone, int floodUsers) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String in = "hot-in-" + run;
        String out = "hot-out-" + run;
        Histogram[][] latency = new Histogram[2][4];
        for (Histogram[] phase : latency) {
            for (int g = 0; g < 4; g++) {
                phase[g] = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Jobs.PARALLELISM, List.of(in));
            kafka.createTopics(Jobs.PARALLELISM, Jobs.nudgeflowOutputs(out));
            StreamExecutionEnvironment env = Jobs.environment();
            Jobs.build(JobKind.NUDGEFLOW, env, kafka.bootstrapServers(), in, out, "hot-" + run, false, rules);
            JobClient job = env.executeAsync("hot-user");
            JobStart.awaitRunning(job, Duration.ofSeconds(60));
            int hotGroup = group(HOT, HOT);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long floodStart = start + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS + quietSeconds);
            double floodSeconds = hotEvents / (double) hotRate;
            double totalSeconds = WARMUP_SECONDS + quietSeconds + floodSeconds;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers(), "group.id", "bench-" + out, "auto.offset.reset", "earliest",
                    "fetch.max.wait.ms", 10), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                    OpenLoopProducer trickle = new OpenLoopProducer(kafka.bootstrapServers());
                    OpenLoopProducer flood = new OpenLoopProducer(kafka.bootstrapServers())) {
                consumer.subscribe(List.of(out));
                Thread othersThread = new Thread(() -> {
                    Workload w = new Workload(others, 1, 3);
                    SplittableRandom random = new SplittableRandom(5);
                    sendAtRate(otherRate, totalSeconds, start, (intended) -> trickle.send(in, w.record(
                            "other-" + random.nextInt(others), dayZone, Workload.PROBE_EVENT,
                            System.currentTimeMillis(), Map.of(Workload.SENT_NANOS, Long.toString(intended)), null)));
                    trickle.flush();
                }, "others");
                Thread hotThread = new Thread(() -> {
                    Workload w = new Workload(1, 1, 4);
                    SplittableRandom random = new SplittableRandom(6);
                    sendAtRate(hotRate, floodSeconds, floodStart, (intended) -> flood.send(in, w.record(
                            floodUsers == 1 ? HOT : HOT + "-" + random.nextInt(floodUsers), hotZone,
                            Workload.PROBE_EVENT, System.currentTimeMillis(),
                            Map.of(Workload.SENT_NANOS, Long.toString(intended)), null)));
                    flood.flush();
                }, "hot-user");
                othersThread.start();
                hotThread.start();
                long warmEnd = start + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
                long end = start + (long) (totalSeconds * 1e9);
                long lastProbeSent = end;
                long quietSince = System.nanoTime();
                long received = 0;
                long hotTriggers = 0;
                // read until the last probe's answer is in, or 20 s of silence after the send schedule ended
                while (System.nanoTime() < Math.max(end, quietSince) + TimeUnit.SECONDS.toNanos(20)) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        var t = LatencyConsumer.decodeTrigger(r.value());
                        String sent = t.getAttributes().get(Workload.SENT_NANOS);
                        if (sent == null) {
                            continue;
                        }
                        if (t.getUserId().startsWith(HOT)) {
                            hotTriggers++;
                            continue;
                        }
                        long intended = Long.parseLong(sent);
                        received++;
                        quietSince = System.nanoTime();
                        if (intended >= warmEnd && intended < end) {
                            int phase = intended < floodStart ? 0 : 1;
                            latency[phase][group(t.getUserId(), HOT) ^ hotGroup]
                                    .recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                        }
                    }
                    if (!othersThread.isAlive() && received >= (long) (otherRate * totalSeconds) - 1) {
                        break;
                    }
                }
                othersThread.join();
                hotThread.join();
                System.out.printf("  %,d probe answers of other users read; %,d triggers of the hot user went out during the run%n",
                        received, hotTriggers);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
        return latency;
    }

    /**
     * Bit 1: the user's Kafka partition (the producer's default partitioner), bit 0: their engine subtask (Flink's
     * key groups at the job's parallelism); XOR with the hot user's gives 0 for "shares both".
     */
    private static int group(String userId, String hot) {
        byte[] key = userId.getBytes(StandardCharsets.UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(key)) % Jobs.PARALLELISM;
        int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(userId,
                KeyGroupRangeAssignment.computeDefaultMaxParallelism(Jobs.PARALLELISM), Jobs.PARALLELISM);
        return partition << 1 | subtask;
    }

    /** The hot user's events through the domain engine alone: its state size and cost per event as it grows. */
    private static void hotUserInTheDomain(RuleSet rules, int hotEvents, String zone) {
        UserEngine engine = new UserEngine(rules);
        UserState s = null;
        long t0 = Instant.now().toEpochMilli();
        long started = System.nanoTime();
        long sliceStart = started;
        int slice = Math.max(1, hotEvents / 10);
        StringBuilder perSlice = new StringBuilder();
        int maxBytes = 0;
        for (int i = 0; i < hotEvents; i++) {
            Event e = new Event(HOT + "-" + i, HOT, Workload.PROBE_EVENT, t0 + i / 5, zone, null,
                    Map.of(Workload.SENT_NANOS, Long.toString(i)));
            s = engine.onEvent(s, e, UserEngine.NO_WALL_CLOCK, NO_OUTPUT);
            if ((i + 1) % slice == 0) {
                long now = System.nanoTime();
                maxBytes = Math.max(maxBytes, UserStateCodec.encode(s).length);
                perSlice.append(String.format(" %.1f", (now - sliceStart) / 1e3 / slice));
                sliceStart = now;
            }
        }
        System.out.printf("  hot user in the domain engine: state %,d bytes at most (%d triggers waiting at the end, "
                + "%,d ids remembered); µs per event in each tenth of the flood:%s%n",
                maxBytes, s.deferredTriggers().size(), s.recentEventIdCount(), perSlice);
    }

    private static final io.nudgeflow.domain.EngineOutput NO_OUTPUT = new io.nudgeflow.domain.EngineOutput() {
        @Override
        public void trigger(io.nudgeflow.domain.FiredTrigger trigger) {}

        @Override

        public void outcome(io.nudgeflow.domain.Outcome outcome) {}


        @Override
        public void stageChange(StageChange change) {}
    };

    /** Open loop: calls {@code send} with each intended send time, parking (never spinning) until it comes. */
    private static void sendAtRate(int rate, double seconds, long startNanos, java.util.function.LongConsumer send) {
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long count = (long) (rate * seconds);
        for (long i = 0; i < count; i++) {
            long intended = startNanos + i * period;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            send.accept(intended);
        }
    }

    /** An IANA region zone whose local time now lies in [from, to), whole-hour offsets first. */
    private static String zoneWhereItIs(LocalTime from, LocalTime to) {
        Instant now = Instant.now();
        return ZoneId.getAvailableZoneIds().stream().sorted()
                .filter(z -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/"))
                .filter(z -> {
                    LocalTime local = now.atZone(ZoneId.of(z)).toLocalTime();
                    return !local.isBefore(from) && local.isBefore(to);
                })
                .min(java.util.Comparator.comparing(z -> now.atZone(ZoneId.of(z)).getOffset().getTotalSeconds() % 3600 != 0))
                .orElseThrow(() -> new IllegalStateException("no zone has a local time in [" + from + ", " + to + ")"));
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
    }

    private static int intArg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
