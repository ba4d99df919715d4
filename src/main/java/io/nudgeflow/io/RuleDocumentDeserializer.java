package io.nudgeflow.io;

import io.nudgeflow.rules.RuleDocument;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A rules-topic record as it is: key, text, timestamp, effective-from header and where it is. Never fails. */
public final class RuleDocumentDeserializer implements KafkaRecordDeserializationSchema<RuleDocument> {
    private final TypeInformation<RuleDocument> type;

    public RuleDocumentDeserializer(TypeInformation<RuleDocument> type) {
        this.type = type;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RuleDocument> out) {
        out.collect(of(record));
    }

    public static RuleDocument of(ConsumerRecord<byte[], byte[]> record) {
        RuleDocument doc = new RuleDocument(
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8),
                record.timestamp(), null, record.topic(), record.partition(), record.offset());
        Header effective = record.headers().lastHeader(RuleDocument.EFFECTIVE_FROM_HEADER);
        if (effective != null) {
            String text = new String(effective.value(), StandardCharsets.UTF_8).strip();
            Long instant = RuleDocument.parseInstant(text);
            if (instant == null) {
                doc.badEffectiveFrom = text;
            } else {
                doc.effectiveFrom = instant;
            }
        }
        return doc;
    }

    @Override
    public TypeInformation<RuleDocument> getProducedType() {
        return type;
    }
}
