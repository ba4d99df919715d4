package io.nudgeflow.pipeline;

import io.nudgeflow.flink.Descriptors;
import io.nudgeflow.rules.RuleDocument;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * A rules input that ends at once, keeping the job graph the live one: replay (its history is in the settings)
 * and a bounded live run (the rules read at submission; a bounded rules source on a topic that does not exist
 * never ended and held the whole job open).
 */
final class NoRuleDocuments {
    private NoRuleDocuments() {}

    static DataStream<RuleDocument> of(StreamExecutionEnvironment env) {
        return env.fromSequence(1, 1).setParallelism(1).uid("rules-none")
                .flatMap((Long n, Collector<RuleDocument> out) -> { }).returns(Descriptors.RULE_DOCUMENT)
                .setParallelism(1).uid("rules-none-documents");
    }
}
