package io.nudgeflow.pipeline;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.Event;
import io.nudgeflow.flink.DecodeAndValidate;
import io.nudgeflow.flink.Descriptors;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.flink.UserEngineOperator;
import io.nudgeflow.flink.UserIdSelector;
import io.nudgeflow.io.EventIntake;
import io.nudgeflow.io.RawEvent;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job graph, top to bottom as the data flows. Sources and sinks come from the caller, so the live
 * job, replay and the tests run this very graph. Operator uids are fixed forever (savepoints).
 */
public final class NudgeflowPipeline {
    private NudgeflowPipeline() {}

    /**
     * @param rules documents of the rules topic (replay: none; its rule history is in {@code settings})
     * @param intake decodes and validates records the source has not checked already (replay's file)
     */
    public static void build(DataStream<RawEvent> input, DataStream<RuleDocument> rules, EventIntake intake,
            EngineSettings settings, RuleSwitches switches, PipelineSinks sinks) {
        SingleOutputStreamOperator<Event> events = input
                .process(new DecodeAndValidate(intake)).returns(Descriptors.EVENT)
                // same parallelism as the source: chained, so a user's events keep their input order
                .setParallelism(input.getParallelism())
                .uid("decode-validate").name("Decode and validate");

        events.getSideOutput(Descriptors.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters()).uid("dead-letter-sink").name("Dead letters");

        // every engine instance sees every rule document, in the topic's order
        SingleOutputStreamOperator<Trigger> triggers = events
                .keyBy(new UserIdSelector())
                .connect(rules.broadcast())
                .transform("User engine", Descriptors.TRIGGER, new UserEngineOperator(settings, switches))
                .uid("user-engine");

        triggers.sinkTo(sinks.engagementTriggers()).uid("engagement-triggers-sink").name("Engagement triggers");
        triggers.getSideOutput(Descriptors.SEGMENT_CHANGES)
                .sinkTo(sinks.segmentChanges()).uid("segment-changes-sink").name("Segment changes");
        triggers.getSideOutput(Descriptors.SUPPRESSED_TRIGGERS)
                .sinkTo(sinks.suppressedTriggers()).uid("suppressed-triggers-sink").name("Suppressed triggers");
        triggers.getSideOutput(Descriptors.TRIGGER_OUTCOMES)
                .sinkTo(sinks.triggerOutcomes()).uid("trigger-outcomes-sink").name("Trigger outcomes");
        triggers.getSideOutput(Descriptors.RULE_STATUS)
                .sinkTo(sinks.ruleStatus()).uid("rule-status-sink").name("Rule status");
    }
}
