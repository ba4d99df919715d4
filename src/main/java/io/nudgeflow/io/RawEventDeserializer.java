package io.nudgeflow.io;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps each Kafka record with its bytes unchanged (bad bytes reach the DLQ as they came, never failing the
 * source) and, with an {@link EventIntake}, decodes and validates it right here.
 */
public final class RawEventDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {
    /** Null: records stay undecoded (the benchmarks' passthrough jobs). */
    private final EventIntake intake;

    public RawEventDeserializer(EventIntake intake) {
        this.intake = intake;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
        RawEvent raw = new RawEvent(record.key(), record.value(), record.topic(), record.partition(), record.offset());
        if (intake != null) {
            intake.check(raw, System.currentTimeMillis());
        }
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
