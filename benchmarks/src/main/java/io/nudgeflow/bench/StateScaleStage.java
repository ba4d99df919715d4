package io.nudgeflow.bench;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.Event;
import io.nudgeflow.flink.UserEngineOperator;
import io.nudgeflow.flink.UserIdSelector;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import io.nudgeflow.pipeline.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Per-event cost of the real keyed operator over RocksDB (values and timers in RocksDB, as in production)
 * with N users' state pre-loaded, without Kafka or the network in the way; and the RocksDB bytes per user.
 * The measured events pick users with the same skew as the rest of the benchmark ({@link Workload}), and
 * the measured time includes one checkpoint's write-back of the operator's state cache.
 */
final class StateScaleStage {
    private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    record Result(int users, double preloadEventsPerSecond, double microsPerEvent, double sstBytesPerUser) {}

    static Result run(int users, int sample) throws Exception {
        Path db = Files.createTempDirectory("bench-rocksdb");
        // The job's RocksDB settings. The harness's mock memory manager is a few MB: with managed memory
        // RocksDB would get a tiny block cache and stall on flushes, so it gets what a slot gives it instead.
        Map<String, String> rocksdb = new HashMap<>(JobConfig.ROCKSDB);
        rocksdb.putAll(Map.of(
                "state.backend.rocksdb.memory.managed", "false",
                "state.backend.rocksdb.writebuffer.count", "3",
                "state.backend.rocksdb.block.cache-size", "256mb",
                "state.backend.rocksdb.thread.num", "2"));
        rocksdb = Jobs.overrides("bench.rocksdb", rocksdb);
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend(true).configure(
                Configuration.fromMap(rocksdb), StateScaleStage.class.getClassLoader());
        backend.setDbStoragePath(db.toString());
        var harness = new KeyedBroadcastOperatorTestHarness<String, Event, RuleDocument, Trigger>(
                new UserEngineOperator(Jobs.engineSettings(), new RuleSwitches("bench", "default", ClockScale.REAL)),
                new UserIdSelector(), Types.STRING, 1, 1, 0); // as the one-input harness measured before
        Path checkpoints = Files.createTempDirectory("bench-checkpoints");
        try {
            harness.setStateBackend(backend);
            harness.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
            harness.open();
            harness.setProcessingTime(T0);

            long start = System.nanoTime();
            for (int u = 0; u < users; u++) {
                harness.processElement(event(u, "lesson_completed", T0 + u % 3_600_000, "p" + u), 0);
                if (u % 20_000 == 0) {
                    clearOutputs(harness);
                }
            }
            harness.prepareSnapshotPreBarrier(0L); // the preload's cached users reach RocksDB, as at a checkpoint
            double preloadRate = users / ((System.nanoTime() - start) / 1e9);
            clearOutputs(harness);

            Workload population = new Workload(users, 0, users);
            Event[] events = new Event[sample];
            for (int i = 0; i < sample; i++) {
                events[i] = event(population.nextUser(), i % 3 == 0 ? "app_open" : "lesson_completed",
                        T0 + 3_600_000 + i, "m" + i);
            }
            int warm = sample / 4;
            for (int i = 0; i < warm; i++) {
                harness.processElement(events[i], 0);
            }
            clearOutputs(harness);
            long t = System.nanoTime();
            for (int i = warm; i < sample; i++) {
                harness.processElement(events[i], 0);
            }
            harness.prepareSnapshotPreBarrier(1L);
            double micros = (System.nanoTime() - t) / 1e3 / (sample - warm);
            clearOutputs(harness);

            harness.snapshot(1L, T0); // flushes the memtables: the SST files hold everything
            double bytesPerUser = sstBytes(db) / (double) users;
            System.out.printf("  state scale %,11d users: preload %,8.0f events/s, %6.2f µs/event, %5.1f SST bytes/user%n",
                    users, preloadRate, micros, bytesPerUser);
            return new Result(users, preloadRate, micros, bytesPerUser);
        } finally {
            harness.close();
            for (Path dir : new Path[] {db, checkpoints}) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static Event event(int user, String type, long time, String id) {
        return new Event(id, Workload.userId(user), type, time, Workload.zoneOf(user), null, Map.of());
    }

    private static void clearOutputs(KeyedBroadcastOperatorTestHarness<String, Event, RuleDocument, Trigger> harness) {
        harness.getOutput().clear();
        for (var tag : java.util.List.of(io.nudgeflow.flink.Descriptors.SEGMENT_CHANGES, io.nudgeflow.flink.Descriptors.SUPPRESSED_TRIGGERS)) {
            var queue = harness.getSideOutput(tag);
            if (queue != null) {
                queue.clear();
            }
        }
    }

    private static long sstBytes(Path db) throws IOException {
        try (Stream<Path> files = Files.walk(db)) {
            return files.filter(p -> p.toString().endsWith(".sst")).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
