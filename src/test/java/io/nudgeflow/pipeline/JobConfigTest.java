package io.nudgeflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;

class JobConfigTest {
    private static Configuration rocksDbJob(Map<String, String> overrides) {
        return JobConfig.of("rocksdb", Duration.ofSeconds(30), null, Duration.ofMillis(5), overrides);
    }

    /** Flink ignores a key it does not know: each setting must parse as the RocksDB option it means. */
    @Test
    void rocksDbSettingsReachFlinksRocksDbOptions() {
        Configuration conf = rocksDbJob(Map.of());

        assertThat(conf.get(RocksDBConfigurableOptions.BLOCK_SIZE)).isEqualTo(MemorySize.parse("1kb"));
        assertThat(conf.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("8mb"));
        assertThat(conf.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);
        assertThat(conf.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(List.of("state.backend.rocksdb.block.blocksize", "state.backend.rocksdb.writebuffer.size",
                "state.backend.rocksdb.compression.per.level", "state.backend.rocksdb.use-bloom-filter"))
                .containsExactlyInAnyOrderElementsOf(JobConfig.ROCKSDB.keySet());
    }

    /** The cluster's config repeats the job's RocksDB settings so a cluster-wide default never undoes them. */
    @Test
    void clusterConfigRepeatsTheJobsRocksDbSettings() throws IOException {
        Map<?, ?> cluster = new ObjectMapper(new YAMLFactory()).readValue(new File("flink-conf/config.yaml"), Map.class);

        JobConfig.ROCKSDB.forEach((key, value) -> assertThat(String.valueOf(cluster.get(key))).as(key).isEqualTo(value));
    }

    @Test
    void overridesWinOverTheJobsSettings() {
        Configuration conf = rocksDbJob(Map.of("state.backend.rocksdb.writebuffer.size", "64mb"));

        assertThat(conf.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("64mb"));
    }
}
