package io.nudgeflow.io;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The original key and bytes, unchanged, with the reason and origin in headers. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RawEvent raw = letter.raw;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, raw.key, raw.value);
        record.headers()
                .add(DeadLetterHeaders.REASON, utf8(letter.reason))
                .add(DeadLetterHeaders.SOURCE_TOPIC, utf8(raw.source))
                .add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(raw.partition)))
                .add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(raw.offset)));
        return record;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
