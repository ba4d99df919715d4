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
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job graph, top to bottom as the data flows. Sources and sinks come from the caller, so the live
 * job, replay and the tests run this very graph. Operator uids are fixed forever (savepoints).
 */
public final class NudgeflowPipeline {
    private NudgeflowPipeline() {}

    /** @param intake decodes and validates records the source has not checked already (replay's file) */
    public static void build(DataStream<RawEvent> input, EventIntake intake, EngineSettings settings, PipelineSinks sinks) {
        SingleOutputStreamOperator<Event> events = input
                .process(new DecodeAndValidate(intake)).returns(Descriptors.EVENT)
                // same parallelism as the source: chained, so a user's events keep their input order
                .setParallelism(input.getParallelism())
                .uid("decode-validate").name("Decode and validate");

        events.getSideOutput(Descriptors.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters()).uid("dead-letter-sink").name("Dead letters");

        SingleOutputStreamOperator<Trigger> triggers = events
                .keyBy(new UserIdSelector())
                .transform("User engine", Descriptors.TRIGGER, new UserEngineOperator(settings))
                .uid("user-engine");

        triggers.sinkTo(sinks.engagementTriggers()).uid("engagement-triggers-sink").name("Engagement triggers");
        triggers.getSideOutput(Descriptors.SEGMENT_CHANGES)
                .sinkTo(sinks.segmentChanges()).uid("segment-changes-sink").name("Segment changes");
        triggers.getSideOutput(Descriptors.SUPPRESSED_TRIGGERS)
                .sinkTo(sinks.suppressedTriggers()).uid("suppressed-triggers-sink").name("Suppressed triggers");
    }
}
