package io.nudgeflow.io;

import io.nudgeflow.rules.RuleDocument;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/** Builds the Kafka source and sinks of the live job, tuned for latency. */
public final class KafkaConnectors {
    /** The broker's maximum transaction timeout is 15 min; the sink's default is longer. */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaConnectors() {}

    /**
     * The user-events source: committed offsets of the group, else the earliest. With an {@link EventIntake}
     * each record is decoded and validated as it is read (the live job); without, records stay undecoded
     * (the benchmarks' passthrough baselines).
     *
     * @param bounded stop at the offsets that are latest when the job starts (tests, backfills)
     */
    public static KafkaSource<RawEvent> userEvents(KafkaSettings settings, EventIntake intake, boolean bounded) {
        KafkaSourceBuilder<RawEvent> builder = KafkaSource.<RawEvent>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setTopics(settings.topics().userEvents())
                .setGroupId(settings.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawEventDeserializer(intake))
                // a fetch returns as soon as a record is there instead of waiting for a fuller batch
                .setProperty("fetch.max.wait.ms", "10")
                .setProperty("partition.discovery.interval.ms", "60000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        settings.clientProperties().forEach(builder::setProperty);
        return builder.build();
    }

    /**
     * The rules topic, every record in order (one partition; with several, each partition's order). Subscribed
     * by pattern, so a topic created after the job started is found (partition discovery) instead of failing it.
     *
     * @param start where a job without state starts: after what it read at submission, else the beginning
     * @param bounded stop at the offsets that are latest when the job starts, with the user events (tests)
     */
    public static KafkaSource<RuleDocument> rules(KafkaSettings settings, Map<TopicPartition, Long> start,
            TypeInformation<RuleDocument> type, boolean bounded) {
        KafkaSourceBuilder<RuleDocument> builder = KafkaSource.<RuleDocument>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setTopicPattern(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(settings.topics().rules())))
                .setGroupId(settings.groupId() + "-rules")
                .setStartingOffsets(start.isEmpty() ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.offsets(start, OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RuleDocumentDeserializer(type))
                .setProperty("fetch.max.wait.ms", "100")
                .setProperty("partition.discovery.interval.ms", "10000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
            // without discovery a bounded source ends at once when the topic does not exist; with it, it waited for ever
            builder.setProperty("partition.discovery.interval.ms", "-1");
        }
        settings.clientProperties().forEach(builder::setProperty);
        return builder.build();
    }

    /** What a plain client needs to reach the cluster: the client settings and the bootstrap servers. */
    public static Map<String, String> clientProperties(KafkaSettings settings) {
        Map<String, String> props = new HashMap<>(settings.clientProperties());
        props.put("bootstrap.servers", settings.bootstrapServers());
        return props;
    }

    /** What a consumer of the source's own needs: its client settings, bootstrap servers and group. */
    public static Map<String, String> consumerProperties(KafkaSettings settings) {
        Map<String, String> props = new HashMap<>(settings.clientProperties());
        props.put("bootstrap.servers", settings.bootstrapServers());
        props.put("group.id", settings.groupId());
        return props;
    }

    /**
     * The number of partitions of {@code topic}, or empty when Kafka cannot be asked from here (a client that
     * submits the job from outside the cluster's network).
     */
    public static OptionalInt partitionCount(KafkaSettings settings, String topic) {
        Map<String, Object> admin = new HashMap<>(settings.clientProperties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin client = Admin.create(admin)) {
            return OptionalInt.of(client.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS)
                    .get(topic).partitions().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        } catch (Exception e) {
            return OptionalInt.empty();
        }
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
