package io.nudgeflow.progress;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.io.RawEvent;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The Kafka source with the job's notion of time: each reader emits a watermark that follows the event
 * times it reads and, once a probe of the brokers shows it has read everything, the wall clock
 * ({@link InputProgress}). Everything else — splits, offsets, checkpoints — is the Kafka source's own, so
 * savepoints of the plain source restore into this one.
 */
public final class InputTimeSource
        implements Source<RawEvent, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<RawEvent> {
    private final KafkaSource<RawEvent> kafka;
    private final Map<String, String> probeClientProperties;
    private final ClockScale clock;
    private final Duration maxEventDelay;
    private final Duration probeInterval;

    /**
     * @param probeClientProperties the source's client settings (bootstrap servers, group id, security) for
     *     the probe's consumer
     */
    public InputTimeSource(KafkaSource<RawEvent> kafka, Map<String, String> probeClientProperties, ClockScale clock,
            Duration maxEventDelay, Duration probeInterval) {
        this.kafka = kafka;
        this.probeClientProperties = Map.copyOf(probeClientProperties);
        this.clock = clock;
        this.maxEventDelay = maxEventDelay;
        this.probeInterval = probeInterval;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<RawEvent, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        return new InputTimeReader(kafka.createReader(context), probeClientProperties, clock,
                maxEventDelay.toMillis(), probeInterval.toNanos());
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState checkpoint) throws java.io.IOException {
        return kafka.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return kafka.getProducedType();
    }
}
