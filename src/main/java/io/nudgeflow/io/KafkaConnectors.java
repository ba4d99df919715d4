package io.nudgeflow.io;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the Kafka source and sinks of the live job, tuned for latency. */
public final class KafkaConnectors {
    /** The broker's maximum transaction timeout is 15 min; the sink's default is longer. */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaConnectors() {}

    /**
     * The user-events source: raw records, committed offsets of the group or the earliest.
     *
     * @param bounded stop at the offsets that are latest when the job starts (tests, backfills)
     */
    public static KafkaSource<RawEvent> userEvents(KafkaSettings settings, boolean bounded) {
        KafkaSourceBuilder<RawEvent> builder = KafkaSource.<RawEvent>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setTopics(settings.topics().userEvents())
                .setGroupId(settings.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawEventDeserializer())
                // a fetch returns as soon as a record is there instead of waiting for a fuller batch
                .setProperty("fetch.max.wait.ms", "10")
                .setProperty("partition.discovery.interval.ms", "60000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        settings.clientProperties().forEach(builder::setProperty);
        return builder.build();
    }

    public static <T> KafkaSink<T> sink(KafkaSettings settings, KafkaRecordSerializationSchema<T> schema, String name) {
        Properties producer = new Properties();
        // Kafka 4 producers default to linger.ms=5: every trigger would wait 5 ms for company
        producer.setProperty("linger.ms", "0");
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        producer.putAll(settings.clientProperties());
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setRecordSerializer(schema)
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(settings.deliveryGuarantee());
        if (settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + name);
        }
        return builder.build();
    }
}
