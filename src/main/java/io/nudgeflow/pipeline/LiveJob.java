package io.nudgeflow.pipeline;

import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.flink.TimeMode;
import io.nudgeflow.io.AvroEventDecoder;
import io.nudgeflow.io.WriterSchemas;
import io.nudgeflow.io.AvroSingleObjectSerializer;
import io.nudgeflow.io.DeadLetterSerializer;
import io.nudgeflow.io.EventIntake;
import io.nudgeflow.io.KafkaConnectors;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.RawEvent;
import io.nudgeflow.io.Topics;
import io.nudgeflow.progress.InputTimeSource;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.flink.Descriptors;
import io.nudgeflow.flink.RuleDocumentWatermarks;
import io.nudgeflow.io.RuleStatusSerializer;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import org.apache.flink.configuration.StateRecoveryOptions;
import java.util.OptionalInt;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production graph: Kafka user-events in, the pipeline, Kafka outputs (`run`, `demo`, integration tests). */
public final class LiveJob {
    private static final Logger LOG = LoggerFactory.getLogger(LiveJob.class);

    private LiveJob() {}

    /** The rule set id a job follows unless told otherwise: the key of its documents on the rules topic. */
    public static final String DEFAULT_RULE_SET_ID = "default";

    /**
     * @param bounded stop at the offsets that are latest at start (tests, backfills)
     * @return the timeline the job starts with (when it has no state to restore)
     */
    public static RulesTimeline build(StreamExecutionEnvironment env, KafkaSettings kafka, EngineSettings settings, boolean bounded) {
        return build(env, kafka, settings, WriterSchemas.builtIn(), bounded, DEFAULT_RULE_SET_ID);
    }

    /**
     * @param writerSchemas the versions of UserEvent the input may be written with, besides today's
     * @param ruleSetId the key of the rules-topic documents this job follows
     * @return the timeline the job starts with (when it has no state to restore)
     */
    public static RulesTimeline build(StreamExecutionEnvironment env, KafkaSettings kafka, EngineSettings settings,
            WriterSchemas writerSchemas, boolean bounded, String ruleSetId) {
        Topics topics = kafka.topics();
        if (!(settings.timeMode() instanceof TimeMode.Live time)) {
            throw new IllegalArgumentException("the live job needs live time, not " + settings.timeMode());
        }
        RuleSwitches switches = new RuleSwitches(kafka.groupId(), ruleSetId, settings.clock());
        LiveRules.Start rules = LiveRules.read(kafka, settings.timeline(), switches);
        if (env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH).isEmpty()) {
            LiveRules.report(kafka, rules.statuses());
        }
        settings = settings.withTimeline(rules.timeline());
        EventIntake intake = new EventIntake(new AvroEventDecoder(writerSchemas), settings.validator(), settings.clock());
        // The source makes the watermarks itself (InputTimeSource): Flink's generators stay out of it
        DataStream<RawEvent> input = env
                .fromSource(new InputTimeSource(KafkaConnectors.userEvents(kafka, intake, bounded),
                        KafkaConnectors.consumerProperties(kafka), time.clock(), time.maxEventDelay(),
                        time.inputProbeInterval()), WatermarkStrategy.noWatermarks(), "user-events")
                .setParallelism(sourceParallelism(env, kafka))
                .uid("user-events-source");
        PipelineSinks sinks = new PipelineSinks(
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.engagementTriggers(), Trigger.class, Trigger::getUserId), "triggers"),
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.segmentChanges(), SegmentChange.class, SegmentChange::getUserId), "segments"),
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.suppressedTriggers(), Trigger.class, Trigger::getUserId), "suppressed"),
                KafkaConnectors.sink(kafka, new DeadLetterSerializer(topics.deadLetters()), "dlq"),
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.triggerOutcomes(), TriggerOutcome.class, TriggerOutcome::getUserId), "outcomes"),
                KafkaConnectors.sink(kafka, new RuleStatusSerializer(topics.rulesStatus()), "rule-status"));
        // the rules input has no event time of its own: its watermark is the end of time, so the engine's time
        // is the user events' alone
        // a bounded run (a backfill, the benchmarks' drains) decides by the rules read at submission: a bounded
        // rules source on a topic that does not exist never ended, and held the whole job open
        DataStream<RuleDocument> ruleDocuments = bounded ? NoRuleDocuments.of(env) : env
                .fromSource(KafkaConnectors.rules(kafka, rules.offsets(), Descriptors.RULE_DOCUMENT, false),
                        RuleDocumentWatermarks.none(), "rules")
                .setParallelism(1)
                .uid("rules-source");
        NudgeflowPipeline.build(input, ruleDocuments, intake, settings, switches, sinks);
        return rules.timeline();
    }

    /**
     * No more source readers than partitions: a reader without a partition has no input to tell the job's
     * time by and holds every deadline back. When Kafka cannot be asked from here, the job's parallelism.
     */
    private static int sourceParallelism(StreamExecutionEnvironment env, KafkaSettings kafka) {
        int parallelism = env.getParallelism();
        OptionalInt partitions = KafkaConnectors.partitionCount(kafka, kafka.topics().userEvents());
        if (partitions.isEmpty()) {
            LOG.warn("Could not learn the partitions of {}: the source runs at parallelism {}; a reader left without a "
                    + "partition holds all deadlines back", kafka.topics().userEvents(), parallelism);
            return parallelism;
        }
        return Math.max(1, Math.min(parallelism, partitions.getAsInt()));
    }
}
