package io.nudgeflow.pipeline;

import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.io.AvroEventDecoder;
import io.nudgeflow.io.AvroSingleObjectSerializer;
import io.nudgeflow.io.DeadLetterSerializer;
import io.nudgeflow.io.KafkaConnectors;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.RawEvent;
import io.nudgeflow.io.Topics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The production graph: Kafka user-events in, the pipeline, Kafka outputs (`run`, `demo`, integration tests). */
public final class LiveJob {
    private LiveJob() {}

    /** @param bounded stop at the offsets that are latest at start (tests, backfills) */
    public static void build(StreamExecutionEnvironment env, KafkaSettings kafka, EngineSettings settings, boolean bounded) {
        Topics topics = kafka.topics();
        // No watermarks: the live engine runs deadlines on processing-time timers (see TimeMode.Live)
        DataStream<RawEvent> input = env
                .fromSource(KafkaConnectors.userEvents(kafka, bounded), WatermarkStrategy.noWatermarks(), "user-events")
                .uid("user-events-source");
        PipelineSinks sinks = new PipelineSinks(
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.engagementTriggers(), Trigger.class, Trigger::getUserId), "triggers"),
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.segmentChanges(), SegmentChange.class, SegmentChange::getUserId), "segments"),
                KafkaConnectors.sink(kafka, new AvroSingleObjectSerializer<>(topics.suppressedTriggers(), Trigger.class, Trigger::getUserId), "suppressed"),
                KafkaConnectors.sink(kafka, new DeadLetterSerializer(topics.deadLetters()), "dlq"));
        NudgeflowPipeline.build(input, new AvroEventDecoder(), settings, sinks);
    }
}
