package io.nudgeflow.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/** Job-level Flink settings shared by every entry point (cluster settings live in flink-conf/config.yaml). */
public final class JobConfig {
    private JobConfig() {}

    /** RocksDB settings of every job, each chosen from a profile of the benchmarks (README, Benchmarks). */
    public static final Map<String, String> ROCKSDB = Map.of(
            // Every event reads one ~100-byte value. With many users most reads miss the block cache and read
            // and decompress a whole block: 1 KB blocks instead of 4 KB took a read at 10M users from 25 to
            // 18 µs (state-scale stage) for 61 -> 72 SST bytes per user.
            "state.backend.rocksdb.block.blocksize", "1kb",
            // A checkpoint's synchronous part waits for the memtable flush (RocksDB's native checkpoint); that
            // wait was the whole latency tail at 10k events/s. A small memtable has little left to flush.
            "state.backend.rocksdb.writebuffer.size", "8mb",
            // The flush spent a fifth of its time compressing, and reads of freshly flushed blocks
            // decompressing them: level 0, what a flush writes, stays uncompressed. Everything deeper (the
            // bulk of a large population) stays compressed: with level 1 uncompressed too, 10M users took
            // 98-143 SST bytes each, depending on how much of them sat in level 1.
            "state.backend.rocksdb.compression.per.level", "NO_COMPRESSION;SNAPPY_COMPRESSION",
            // A read that misses the memtable looked into every level-0 file's index and block; the filter
            // skips the files without the user.
            "state.backend.rocksdb.use-bloom-filter", "true");

    /**
     * @param stateBackend {@code rocksdb} or {@code hashmap}
     * @param checkpointInterval null disables checkpointing
     */
    public static Configuration of(String stateBackend, Duration checkpointInterval, String checkpointDir,
            Duration bufferTimeout, Map<String, String> overrides) {
        Map<String, String> conf = new HashMap<>();
        // Kryo fallback would silently slow every record and break savepoint compatibility: fail fast instead
        conf.put("pipeline.generic-types", "false");
        // no operator mutates a record after emitting it, so chained operators may share records instead of
        // deep-copying each one through its serializer
        conf.put("pipeline.object-reuse", "true");
        conf.put("state.backend.type", stateBackend);
        conf.putAll(ROCKSDB);
        // erasure reaches the checkpoints within nudgeflow.erasure.compaction-period (README, Erasure)
        conf.put("state.backend.rocksdb.options-factory", io.nudgeflow.flink.ErasureCompaction.class.getName());
        conf.put("execution.checkpointing.incremental", "true");
        conf.put("execution.buffer-timeout.interval", bufferTimeout.toMillis() + " ms");
        if (checkpointInterval != null) {
            conf.put("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
        }
        if (checkpointDir != null) {
            conf.put("execution.checkpointing.dir", checkpointDir);
        }
        conf.putAll(overrides);
        return Configuration.fromMap(conf);
    }
}
