package io.nudgeflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.it.cluster.CheckpointAudit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompactionOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * On a real RocksDB (Flink's build of it), with the column options the job gives every state. A large state
 * spans levels: the deleted user's value sits in the last level, their delete marker one level above it, and
 * ordinary compaction has no reason to bring the two together while that level stays small — so the user's id
 * and value stay in the files, and in every checkpoint that references them. With the job's erasure period the
 * marker's file is compacted down once it is older than the period, and both are dropped.
 */
class ErasureCompactionTest {
    private static final String ERASED_ID = "erase-me-zq8Xv3Kj7Wn2";
    /** The key is what the audit looks for less the "user:" every key starts with, which Snappy may abbreviate. */
    private static final byte[] ERASED = ("user:" + ERASED_ID).getBytes(StandardCharsets.UTF_8);
    private static final byte[] THEIR_VALUE = "Pacific/Chatham".getBytes(StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void aDeletedUsersIdAndValueLeaveTheFilesWithinThePeriod(@TempDir Path dir) throws Exception {
        Configuration config = new Configuration();
        config.set(ErasureCompaction.PERIOD, Duration.ofSeconds(1));
        try (ColumnFamilyOptions columns = new ErasureCompaction().configure(config)
                .createColumnOptions(asFlinkHasThem(), new ArrayList<>())) {
            assertThat(goneWithin(columns, dir, Duration.ofSeconds(30))).as("gone from the SST files").isTrue();
        }
    }

    @Test
    void withoutThePeriodTheyStay(@TempDir Path dir) throws Exception {
        try (ColumnFamilyOptions columns = asFlinkHasThem()) {
            // three times the other test's period, with the same writes and flushes
            assertThat(goneWithin(columns, dir, Duration.ofSeconds(3))).as("gone from the SST files").isFalse();
        }
    }

    /**
     * Flink keeps RocksDB's levels static ({@code state.backend.rocksdb.compaction.level.use-dynamic-size}
     * false); with dynamic levels RocksDB itself drains a level above the last one that has no reason to be.
     */
    private static ColumnFamilyOptions asFlinkHasThem() {
        return new ColumnFamilyOptions().setLevelCompactionDynamicLevelBytes(false);
    }

    /**
     * The user in the last level (2), their delete marker in level 1; then other users write and flush, as in a
     * running job (each flush lets RocksDB look at its files' ages), until the SST files no longer hold the
     * user or the timeout passes.
     */
    private static boolean goneWithin(ColumnFamilyOptions columns, Path dir, Duration timeout) throws Exception {
        try (Options options = new Options(new DBOptions().setCreateIfMissing(true), columns);
                RocksDB db = RocksDB.open(options, dir.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true);
                CompactRangeOptions toLevel2 = new CompactRangeOptions().setChangeLevel(true).setTargetLevel(2);
                CompactionOptions compaction = new CompactionOptions()) {
            db.put("user:a".getBytes(StandardCharsets.UTF_8), new byte[] {1});
            db.put(ERASED, THEIR_VALUE);
            db.put("user:z".getBytes(StandardCharsets.UTF_8), new byte[] {1});
            db.flush(flush);
            db.compactRange(null, null, null, toLevel2);
            db.delete(ERASED);
            db.flush(flush);
            List<String> level0 = db.getLiveFilesMetaData().stream().filter(f -> f.level() == 0)
                    .map(f -> f.path() + f.fileName()).toList();
            db.compactFiles(compaction, level0, 1, -1, null);
            assertThat(db.getLiveFilesMetaData()).extracting(LiveFileMetaData::level).containsExactlyInAnyOrder(1, 2);
            assertThat(filesHolding(dir)).as("the audit sees the deleted user before").isNotEmpty();

            long deadline = System.nanoTime() + timeout.toNanos();
            for (int n = 0; System.nanoTime() < deadline; n++) {
                if (filesHolding(dir).isEmpty()) {
                    return true;
                }
                db.put(("user:other-" + n).getBytes(StandardCharsets.UTF_8), new byte[] {1});
                db.flush(flush);
                TimeUnit.MILLISECONDS.sleep(250); // polling against the deadline
            }
            return filesHolding(dir).isEmpty();
        }
    }

    /** SST files holding the user's id or value (the MANIFEST names files' first and last keys, so not it). */
    private static List<Path> filesHolding(Path dir) {
        return CheckpointAudit.filesHolding(dir, new byte[][] {ERASED_ID.getBytes(StandardCharsets.UTF_8), THEIR_VALUE}).stream()
                .filter(p -> p.toString().endsWith(".sst")).toList();
    }
}
