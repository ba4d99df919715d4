package io.nudgeflow.io;

import io.nudgeflow.rules.RuleStatus;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A status line to the rules status topic, keyed by the rule set id it is about. */
public final class RuleStatusSerializer implements KafkaRecordSerializationSchema<String> {
    private final String topic;

    public RuleStatusSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(String json, KafkaSinkContext context, Long timestamp) {
        String key;
        try {
            key = RuleStatus.fromJson(json).ruleSetId();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("not a status line: " + json, e);
        }
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }
}
