package io.nudgeflow.bench;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.flink.TimeMode;
import io.nudgeflow.io.KafkaConnectors;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.RawEvent;
import io.nudgeflow.io.Topics;
import io.nudgeflow.pipeline.JobConfig;
import io.nudgeflow.pipeline.LiveJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds each measured job on a local mini cluster with the same settings: parallelism 2, RocksDB state
 * backend, 5 ms buffer timeout, the production Kafka source and sink builders (fetch.max.wait 10 ms,
 * linger.ms 0, at-least-once), checkpoints every 30 s.
 */
final class Jobs {
    static final int PARALLELISM = 2;
    /**
     * {@code -Dbench.exactlyOnce=true}: transactional sinks, and consumers that read {@code read_committed},
     * as with {@code run --exactly-once} (what exactly-once costs a consumer in latency).
     */
    static final boolean EXACTLY_ONCE = Boolean.getBoolean("bench.exactlyOnce");

    private Jobs() {}

    static StreamExecutionEnvironment environment() {
        String checkpoints;
        try {
            // as in production: checkpoints go to a file system, not the JobManager's 5 MB of memory
            checkpoints = Files.createTempDirectory("bench-checkpoints").toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM,
                JobConfig.of("rocksdb", Duration.ofSeconds(30), checkpoints, Duration.ofMillis(5),
                        overrides("bench.conf", Map.of("rest.bind-port", "0", "restart-strategy.type", "none",
                                "taskmanager.memory.managed.size", "256m"))));
        return env;
    }

    /**
     * Settings plus experiments: {@code -D<property>=k=v,k=v} adds to or overrides {@code defaults}
     * ({@code bench.conf}: Flink settings of the measured jobs, {@code bench.kafka}: their Kafka client
     * settings, {@code bench.rocksdb}: RocksDB settings of the state-scale stage).
     */
    static Map<String, String> overrides(String property, Map<String, String> defaults) {
        Map<String, String> conf = new java.util.HashMap<>(defaults);
        for (String kv : System.getProperty(property, "").split(",")) {
            if (kv.contains("=")) {
                conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return conf;
    }

    /**
     * The job's defaults, as production runs it. {@code -Dbench.stateCacheUsers=N} and
     * {@code -Dbench.stateCachePendingWrites=N} change the state cache (0 turns it off),
     * {@code -Dbench.maxEventDelay} and {@code -Dbench.inputProbeInterval} the live input, for before/after
     * comparisons with the profiling tools.
     */
    static EngineSettings engineSettings() {
        return engineSettings(BenchRules.load());
    }

    static EngineSettings engineSettings(io.nudgeflow.domain.RuleSet rules) {
        return EngineSettings.live(rules, ClockScale.REAL, Duration.ofDays(400)).withStateCache(
                Integer.getInteger("bench.stateCacheUsers", EngineSettings.DEFAULT_STATE_CACHE_USERS),
                Integer.getInteger("bench.stateCachePendingWrites", EngineSettings.DEFAULT_STATE_CACHE_PENDING_WRITES))
                .withLiveInput(duration("bench.maxEventDelay", TimeMode.Live.DEFAULT_MAX_EVENT_DELAY),
                        duration("bench.inputProbeInterval", TimeMode.Live.DEFAULT_INPUT_PROBE_INTERVAL))
                .withTimerRecheckSlice(duration("bench.timerRecheckSlice", EngineSettings.DEFAULT_TIMER_RECHECK_SLICE));
    }

    /** {@code -Dbench.maxEventDelay=2s}, {@code -Dbench.inputProbeInterval=5ms}: the live input's settings. */
    private static Duration duration(String property, Duration fallback) {
        String value = System.getProperty(property);
        return value == null ? fallback : io.nudgeflow.domain.Durations.parse(value);
    }

    /** @param out for Nudgeflow, the engagement-triggers topic; its other outputs get suffixed names */
    static void build(JobKind kind, StreamExecutionEnvironment env, String bootstrap, String in, String out,
            String groupId, boolean bounded) {
        build(kind, env, bootstrap, in, out, groupId, bounded, BenchRules.load());
    }

    /**
     * The topics a Nudgeflow job writes besides {@code out} (its engagement triggers), by their suffixed names:
     * each must exist before the job starts (the benchmark broker creates no topic on its own).
     */
    static java.util.List<String> nudgeflowOutputs(String out) {
        return java.util.List.of(out, out + SEGMENTS, out + SUPPRESSED, out + DLQ, out + OUTCOMES);
    }

    private static final String SEGMENTS = "-segments";
    private static final String SUPPRESSED = "-suppressed";
    private static final String DLQ = "-dlq";
    private static final String OUTCOMES = "-outcomes";

    /** @param rules Nudgeflow's rule set (the other jobs have none) */
    static void build(JobKind kind, StreamExecutionEnvironment env, String bootstrap, String in, String out,
            String groupId, boolean bounded, io.nudgeflow.domain.RuleSet rules) {
        Topics topics = new Topics(in, out, out + SEGMENTS, out + SUPPRESSED, out + DLQ, out + OUTCOMES, out + "-rules",
                out + "-rules-status");
        KafkaSettings kafka = new KafkaSettings(bootstrap, groupId, topics,
                EXACTLY_ONCE ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE, "bench-" + groupId,
                overrides("bench.kafka", Map.of()));
        if (kind == JobKind.NUDGEFLOW) {
            LiveJob.build(env, kafka, engineSettings(rules), bounded);
            return;
        }
        DataStream<RawEvent> source = env.fromSource(KafkaConnectors.userEvents(kafka, null, bounded),
                WatermarkStrategy.noWatermarks(), "source");
        DataStream<RawEvent> mapped = kind == JobKind.KEYED_PASSTHROUGH
                ? source.keyBy(new KeyOf(), Types.STRING).map(new Identity()).returns(TypeInformation.of(RawEvent.class))
                : source.map(new Identity()).returns(TypeInformation.of(RawEvent.class));
        mapped.sinkTo(KafkaConnectors.sink(kafka, new RawSerializer(out), "out"));
    }

    static final class Identity implements MapFunction<RawEvent, RawEvent> {
        @Override
        public RawEvent map(RawEvent value) {
            return value;
        }
    }

    static final class KeyOf implements KeySelector<RawEvent, String> {
        @Override
        public String getKey(RawEvent value) {
            return new String(value.key, StandardCharsets.UTF_8);
        }
    }

    static final class RawSerializer implements KafkaRecordSerializationSchema<RawEvent> {
        private final String topic;

        RawSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(RawEvent element, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, element.key, element.value);
        }
    }
}
