package io.nudgeflow.cli;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.flink.ErasureCompaction;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.Topics;
import io.nudgeflow.io.WriterSchemas;
import io.nudgeflow.pipeline.JobConfig;
import io.nudgeflow.pipeline.LiveJob;
import io.nudgeflow.rules.RuleSetException;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The production job. Under {@code flink run target/nudgeflow-job.jar run ...} it is submitted to the
 * cluster; under {@code java -jar target/nudgeflow.jar run ...} it runs on a local mini cluster.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the live job against a Kafka cluster (on a Flink cluster via `flink run`, else locally).")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT,...", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--rules", paramLabel = "FILE", description = "Rule file (YAML/JSON). Default: the bundled default rule set.")
    Path rules;

    @Option(names = "--group-id", defaultValue = "nudgeflow", description = "Consumer group of the source (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--events-topic", defaultValue = Topics.USER_EVENTS, description = "Default: ${DEFAULT-VALUE}")
    String eventsTopic;

    @Option(names = "--triggers-topic", defaultValue = Topics.ENGAGEMENT_TRIGGERS, description = "Default: ${DEFAULT-VALUE}")
    String triggersTopic;

    @Option(names = "--segments-topic", defaultValue = Topics.SEGMENT_CHANGES, description = "Default: ${DEFAULT-VALUE}")
    String segmentsTopic;

    @Option(names = "--suppressed-topic", defaultValue = Topics.SUPPRESSED_TRIGGERS, description = "Default: ${DEFAULT-VALUE}")
    String suppressedTopic;

    @Option(names = "--dlq-topic", defaultValue = Topics.USER_EVENTS_DLQ, description = "Default: ${DEFAULT-VALUE}")
    String dlqTopic;

    @Option(names = "--outcomes-topic", defaultValue = Topics.TRIGGER_OUTCOMES, description = "What became of each trigger sent or held back (default: ${DEFAULT-VALUE}).")
    String outcomesTopic;

    @Option(names = "--rules-topic", defaultValue = Topics.RULES, description = "Rule set documents to switch to live (default: ${DEFAULT-VALUE}).")
    String rulesTopic;

    @Option(names = "--rules-status-topic", defaultValue = Topics.RULES_STATUS, description = "Where the job says what it made of each document (default: ${DEFAULT-VALUE}).")
    String rulesStatusTopic;

    @Option(names = "--rule-set-id", defaultValue = LiveJob.DEFAULT_RULE_SET_ID, paramLabel = "ID",
            description = "The key of the rules-topic documents this job follows; others are for other jobs (default: ${DEFAULT-VALUE}).")
    String ruleSetId;

    @Option(names = "--exactly-once", description = "Transactional Kafka sinks (needs checkpoints; consumers read_committed). Default: at-least-once with deterministic trigger ids.")
    boolean exactlyOnce;

    @Option(names = "--checkpoint-interval", defaultValue = "30s", converter = DurationConverter.class, description = "Default: ${DEFAULT-VALUE}")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "URI", description = "e.g. s3://bucket/nudgeflow/checkpoints or file:///data/checkpoints (default: the cluster's).")
    String checkpointDir;

    @Option(names = "--state-backend", defaultValue = "rocksdb", description = "rocksdb or hashmap (default: ${DEFAULT-VALUE}).")
    String stateBackend;

    @Option(names = "--state-retention", defaultValue = "400d", converter = DurationConverter.class, description = "Drop a user's state after this long without events (default: ${DEFAULT-VALUE}).")
    Duration stateRetention;

    @Option(names = "--erasure-compaction", defaultValue = "1h", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "RocksDB rewrites state files older than this, so an erased user's data leaves the job's checkpoints"
                    + " within it plus two checkpoints; each period rewrites and uploads the whole state once (default: ${DEFAULT-VALUE}).")
    Duration erasureCompaction;

    @Option(names = "--state-cache-users", defaultValue = "" + EngineSettings.DEFAULT_STATE_CACHE_USERS, paramLabel = "N",
            description = "Active users whose decoded state each engine instance keeps in memory; 0 reads the state backend on every event (default: ${DEFAULT-VALUE}).")
    int stateCacheUsers;

    @Option(names = "--state-cache-pending-writes", defaultValue = "" + EngineSettings.DEFAULT_STATE_CACHE_PENDING_WRITES, paramLabel = "N",
            description = "Cached users whose changes may wait to be written to the state backend; each checkpoint writes them first; 0 writes every change at once (default: ${DEFAULT-VALUE}).")
    int stateCachePendingWrites;

    @Option(names = "--max-event-delay", defaultValue = "0s", converter = DurationConverter.class,
            description = "How long deadlines wait for events that reach Kafka after events newer than them (late device "
                    + "batches); every deadline fires that much later (default: ${DEFAULT-VALUE}).")
    Duration maxEventDelay;

    @Option(names = "--input-probe-interval", defaultValue = "5ms", converter = DurationConverter.class,
            description = "How often each TaskManager asks Kafka for the end offsets of its source readers' partitions, to "
                    + "learn they have read everything; on a quiet stream deadlines fire up to this much late (default: ${DEFAULT-VALUE}).")
    Duration inputProbeInterval;

    @Option(names = "--buffer-timeout", defaultValue = "5ms", converter = DurationConverter.class, description = "Network buffer flush interval; lower means less latency (default: ${DEFAULT-VALUE}).")
    Duration bufferTimeout;

    @Option(names = "--writer-schemas", paramLabel = "DIR", description = "Directory of UserEvent writer schemas (*.avsc) "
            + "producers use besides the versions shipped in the jar; read again when an event names an unknown one.")
    Path writerSchemas;

    @Option(names = "--parallelism", paramLabel = "N", description = "Job parallelism (default: the cluster's).")
    Integer parallelism;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Extra Kafka client property (security, timeouts); repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RulesTimeline ruleFile;
        try {
            ruleFile = RuleSetParser.timelineOf(rules);
        } catch (RuleSetException e) {
            spec.commandLine().getErr().println("Invalid rule file: " + e.getMessage());
            return 2;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                JobConfig.of(stateBackend, checkpointInterval, checkpointDir, bufferTimeout,
                        Map.of(ErasureCompaction.PERIOD.key(), erasureCompaction.toMillis() + " ms")));
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        Topics topics = new Topics(eventsTopic, triggersTopic, segmentsTopic, suppressedTopic, dlqTopic, outcomesTopic, rulesTopic,
                rulesStatusTopic);
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, groupId, topics,
                exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE, groupId, kafkaProperties);
        EngineSettings settings;
        try {
            settings = EngineSettings.live(ruleFile, ClockScale.REAL, stateRetention)
                    .withStateCache(stateCacheUsers, stateCachePendingWrites)
                    .withLiveInput(maxEventDelay, inputProbeInterval);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("Invalid option: " + e.getMessage());
            return 2;
        }
        WriterSchemas schemas;
        try {
            schemas = writerSchemas == null ? WriterSchemas.builtIn() : WriterSchemas.withDirectory(writerSchemas);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("Invalid option --writer-schemas: " + e.getMessage());
            return 2;
        }
        RulesTimeline start = LiveJob.build(env, kafka, settings, schemas, false, ruleSetId);
        // the name says which build and which rules it started with: the Flink UI and REST API show it per job
        env.execute("nudgeflow " + Version.build() + ", rules " + start.latest().rules().version());
        return 0;
    }
}
