package io.nudgeflow.it;

import io.nudgeflow.embedded.EmbeddedKafka;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.Topics;
import java.util.UUID;

/** A test's own topics and consumer group on the shared broker, so tests never see each other's records. */
final class TestTopics {
    private TestTopics() {}

    static KafkaSettings fresh(EmbeddedKafka kafka, int partitions) {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(Topics.USER_EVENTS + suffix, Topics.ENGAGEMENT_TRIGGERS + suffix,
                Topics.SEGMENT_CHANGES + suffix, Topics.SUPPRESSED_TRIGGERS + suffix, Topics.USER_EVENTS_DLQ + suffix,
                Topics.TRIGGER_OUTCOMES + suffix, Topics.RULES + suffix, Topics.RULES_STATUS + suffix);
        kafka.createTopics(partitions, topics.all());
        kafka.createTopics(1, topics.control());
        return KafkaSettings.atLeastOnce(kafka.bootstrapServers(), "it" + suffix, topics);
    }
}
