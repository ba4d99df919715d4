package io.nudgeflow.pipeline;

import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.io.DeadLetter;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the job's outputs go: Kafka topics live, JSON-lines files in replay.
 *
 * @param ruleStatus what the job made of each rules-topic document, JSON (replay reads no topic: nothing)
 */
public record PipelineSinks(
        Sink<Trigger> engagementTriggers,
        Sink<SegmentChange> segmentChanges,
        Sink<Trigger> suppressedTriggers,
        Sink<DeadLetter> deadLetters,
        Sink<TriggerOutcome> triggerOutcomes,
        Sink<String> ruleStatus) {}
