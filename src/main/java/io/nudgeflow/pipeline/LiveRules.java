package io.nudgeflow.pipeline;

import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.io.KafkaConnectors;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.RuleDocumentDeserializer;
import io.nudgeflow.io.TopicReader;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleStatus;
import io.nudgeflow.rules.RuleSwitches;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules a live job starts with. At submission the rules topic is read to its end and every document for
 * this job is decided in order on top of {@code --rules}: a job without state starts with the newest valid
 * one in force from its effective instant (and the file's rules before it), before it reads a single event.
 * The job's rules source then starts after those records. A restored job keeps its own timeline and
 * offsets instead ({@code RulesOnRestore}).
 */
public final class LiveRules {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRules.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private LiveRules() {}

    /** The timeline to start with, where the rules source starts, and what was decided on the way. */
    public record Start(RulesTimeline timeline, Map<TopicPartition, Long> offsets, List<RuleStatus> statuses) {}

    public static Start read(KafkaSettings kafka, RulesTimeline fromFile, RuleSwitches switches) {
        String topic = kafka.topics().rules();
        TopicReader.Contents contents;
        try {
            contents = TopicReader.readAll(KafkaConnectors.clientProperties(kafka), topic, READ_TIMEOUT);
        } catch (KafkaException e) {
            LOG.warn("Could not read the rules topic {} at submission ({}): the job starts with --rules and reads the "
                    + "topic from its beginning", topic, e.getMessage());
            return new Start(fromFile, Map.of(), List.of());
        }
        List<RuleDocument> docs = contents.records().stream().map(RuleDocumentDeserializer::of).toList();
        RuleSwitches.Start start = switches.atStart(fromFile, docs, System.currentTimeMillis());
        LOG.info("Rules topic {} read at submission: {} records, rules to start with: {}", topic, docs.size(), start.timeline());
        return new Start(start.timeline(), contents.endOffsets(), start.statuses());
    }

    /** What a job started without state decided at submission, to the status topic (a restored job keeps its own). */
    public static void report(KafkaSettings kafka, List<RuleStatus> statuses) {
        if (statuses.isEmpty()) {
            return;
        }
        Properties props = new Properties();
        props.putAll(KafkaConnectors.clientProperties(kafka));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (RuleStatus status : statuses) {
                producer.send(new ProducerRecord<>(kafka.topics().rulesStatus(),
                        status.ruleSetId() == null ? null : status.ruleSetId().getBytes(StandardCharsets.UTF_8),
                        status.toJson().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        } catch (KafkaException e) {
            LOG.warn("Could not write the start-up rule statuses to {}: {}", kafka.topics().rulesStatus(), e.getMessage());
        }
    }
}
