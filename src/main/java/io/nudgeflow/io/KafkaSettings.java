package io.nudgeflow.io;

import java.io.Serializable;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * How the job talks to Kafka.
 *
 * @param clientProperties extra client settings (security, timeouts) applied to source and sinks
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        Topics topics,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Map<String, String> clientProperties) implements Serializable {

    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings atLeastOnce(String bootstrapServers, String groupId, Topics topics) {
        return new KafkaSettings(bootstrapServers, groupId, topics, DeliveryGuarantee.AT_LEAST_ONCE, "nudgeflow", Map.of());
    }
}
