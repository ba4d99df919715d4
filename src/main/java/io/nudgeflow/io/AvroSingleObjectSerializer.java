package io.nudgeflow.io;

import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an Avro record with single-object encoding to one topic, keyed by user id. */
public final class AvroSingleObjectSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, String> key;
    private transient BinaryMessageEncoder<T> encoder;

    public AvroSingleObjectSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        SpecificData model = SpecificData.getForClass(type);
        encoder = new BinaryMessageEncoder<>(model, model.getSchema(type));
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        try {
            byte[] value = AvroBytes.toArray(encoder.encode(record));
            return new ProducerRecord<>(topic, key.apply(record).getBytes(StandardCharsets.UTF_8), value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot encode " + type.getSimpleName(), e);
        }
    }
}
