package io.nudgeflow.flink;

import java.time.Duration;
import java.util.Collection;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * Makes an erasure reach the checkpoints: RocksDB rewrites every SST file once it is older than the period
 * (TTL and periodic compaction), on every column family — users' state and their timers. A deleted user's values and
 * the delete markers that carry their id are dropped when such a rewrite reaches the last level, and the next
 * incremental checkpoint then references only the rewritten files, so Flink discards the old ones with the
 * checkpoints that held them. Without it, files written before an erasure can stay in every checkpoint for as
 * long as nothing else makes RocksDB compact them. The cost: the whole state is rewritten, and uploaded by
 * the next checkpoint, once per period.
 */
public final class ErasureCompaction implements ConfigurableRocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    /** The period: an erased user's data leaves the running job's checkpoints within it (plus two checkpoints). */
    public static final ConfigOption<Duration> PERIOD = ConfigOptions.key("nudgeflow.erasure.compaction-period")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("RocksDB rewrites SST files older than this (periodic compaction), so erased users' "
                    + "data and delete markers leave the checkpoints within it.");

    private long periodSeconds = PERIOD.defaultValue().toSeconds();

    @Override
    public RocksDBOptionsFactory configure(ReadableConfig configuration) {
        // RocksDB counts whole seconds; 0 would turn periodic compaction off
        periodSeconds = Math.max(1, configuration.get(PERIOD).toSeconds());
        return this;
    }

    /**
     * RocksDB's MANIFEST keeps, for every SST file it ever added, the file's smallest and largest key — a user id
     * when that user's key was at a file's edge — until the MANIFEST is rolled over, which by default happens at
     * 1 GB, that is never; and every checkpoint uploads the MANIFEST as it is. Rolled at this size, a new MANIFEST
     * starts from the live files only, so the boundary keys of files compaction has rewritten go with the old one.
     * A roll writes the list of live files (a few KB even for a large state) once per flush or compaction at most.
     */
    static final long MANIFEST_ROLL_BYTES = 4 * 1024;

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setMaxManifestFileSize(MANIFEST_ROLL_BYTES);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        // ttl: files whose oldest data is older than the period go down a level, and on, to the last level,
        // where delete markers are dropped; periodic compaction rewrites last-level files as they age too
        return currentOptions.setTtl(periodSeconds).setPeriodicCompactionSeconds(periodSeconds);
    }
}
