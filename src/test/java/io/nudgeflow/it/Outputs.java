package io.nudgeflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.io.Topics;
import io.nudgeflow.pipeline.ReplayJob;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything a job decided, in one comparable form: the triggers (sent and suppressed), the segment
 * changes and the trigger outcomes, with every field that is not the wall clock of emission.
 */
record Outputs(List<TriggerOut> triggers, List<SegmentOut> segments, List<OutcomeOut> outcomes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    record TriggerOut(String triggerId, String userId, String ruleId, String kind, Instant fireTime, String causeEventId,
            String stage, String variant, String ruleSetVersion, Map<String, String> attributes, String suppressedReason) {
        TriggerOut withSuppressedReason(String reason) {
            return new TriggerOut(triggerId, userId, ruleId, kind, fireTime, causeEventId, stage, variant, ruleSetVersion,
                    attributes, reason);
        }
    }

    record SegmentOut(String userId, String fromStage, String toStage, Instant changeTime, String reason) {}

    record OutcomeOut(String triggerId, String userId, String ruleId, String variant, boolean holdout, String suppressedReason,
            Instant fireTime, Instant windowEnd, boolean converted, Instant convertedAt, Long timeToConvertMs,
            String convertingEventId, String endedBy, String ruleSetVersion) {
        OutcomeOut withRuleSetVersion(String version) {
            return new OutcomeOut(triggerId, userId, ruleId, variant, holdout, suppressedReason, fireTime, windowEnd, converted,
                    convertedAt, timeToConvertMs, convertingEventId, endedBy, version);
        }

        /** When the engine decided it: at the goal event, else at the window's end. */
        Instant decidedAt() {
            return converted ? convertedAt : windowEnd;
        }
    }

    /** What replay wrote (sent and suppressed triggers, segment changes), as JSON lines. */
    static Outputs ofReplay(ReplayJob.Outputs replay) {
        List<TriggerOut> triggers = new ArrayList<>();
        for (String line : concat(replay.triggers(), replay.suppressed())) {
            JsonNode n = read(line);
            Map<String, String> attributes = new TreeMap<>();
            n.get("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
            triggers.add(new TriggerOut(text(n, "trigger_id"), text(n, "user_id"), text(n, "rule_id"), text(n, "kind"),
                    Instant.parse(text(n, "fire_time")), text(n, "cause_event_id"), text(n, "stage"), text(n, "variant"),
                    text(n, "rule_set_version"), attributes, text(n, "suppressed_reason")));
        }
        List<SegmentOut> segments = new ArrayList<>();
        for (String line : replay.segmentChanges()) {
            JsonNode n = read(line);
            segments.add(new SegmentOut(text(n, "user_id"), text(n, "from_stage"), text(n, "to_stage"),
                    Instant.parse(text(n, "change_time")), text(n, "reason")));
        }
        List<OutcomeOut> outcomes = new ArrayList<>();
        for (String line : replay.outcomes()) {
            JsonNode n = read(line);
            outcomes.add(new OutcomeOut(text(n, "trigger_id"), text(n, "user_id"), text(n, "rule_id"), text(n, "variant"),
                    n.get("holdout").asBoolean(), text(n, "suppressed_reason"), Instant.parse(text(n, "fire_time")),
                    Instant.parse(text(n, "window_end")), n.get("converted").asBoolean(),
                    text(n, "converted_at") == null ? null : Instant.parse(text(n, "converted_at")),
                    n.get("time_to_convert_ms").isNull() ? null : n.get("time_to_convert_ms").asLong(),
                    text(n, "converting_event_id"), text(n, "ended_by"), text(n, "rule_set_version")));
        }
        return new Outputs(triggers, segments, outcomes);
    }

    /** Everything on the live job's four output topics, read to their ends as they are now. */
    static Outputs ofTopics(String bootstrapServers, Topics topics) {
        return ofTopics(bootstrapServers, topics, false);
    }

    /**
     * @param readCommitted read as a consumer of an exactly-once job does: only records of committed
     *        transactions, up to the last stable offset
     */
    static Outputs ofTopics(String bootstrapServers, Topics topics, boolean readCommitted) {
        List<TriggerOut> triggers = new ArrayList<>();
        List<SegmentOut> segments = new ArrayList<>();
        List<OutcomeOut> outcomes = new ArrayList<>();
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers,
                "isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = outputPartitions(consumer, topics);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the outputs to their ends " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.segmentChanges())) {
                        SegmentChange c = decode(() -> SegmentChange.getDecoder().decode(r.value()));
                        segments.add(new SegmentOut(c.getUserId(), c.getFromStage() == null ? null : c.getFromStage().name(),
                                c.getToStage().name(), c.getChangeTime(), c.getReason()));
                    } else if (r.topic().equals(topics.triggerOutcomes())) {
                        TriggerOutcome o = decode(() -> TriggerOutcome.getDecoder().decode(r.value()));
                        outcomes.add(new OutcomeOut(o.getTriggerId(), o.getUserId(), o.getRuleId(), o.getVariant(), o.getHoldout(),
                                o.getSuppressedReason(), o.getFireTime(), o.getWindowEnd(), o.getConverted(), o.getConvertedAt(),
                                o.getTimeToConvertMs(), o.getConvertingEventId(), o.getEndedBy(), o.getRuleSetVersion()));
                    } else {
                        Trigger t = decode(() -> Trigger.getDecoder().decode(r.value()));
                        triggers.add(new TriggerOut(t.getTriggerId(), t.getUserId(), t.getRuleId(), t.getKind().name(),
                                t.getFireTime(), t.getCauseEventId(), t.getStage().name(), t.getVariant(),
                                t.getRuleSetVersion(), new TreeMap<>(t.getAttributes()), t.getSuppressedReason()));
                    }
                }
            }
        }
        return new Outputs(triggers, segments, outcomes);
    }

    /** Every partition of the live job's four output topics. */
    static List<TopicPartition> outputPartitions(KafkaConsumer<?, ?> consumer, Topics topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.engagementTriggers(), topics.suppressedTriggers(), topics.segmentChanges(),
                topics.triggerOutcomes())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    /** Only what was decided up to {@code instant} (fire, change, conversion or window end time). */
    Outputs upTo(Instant instant) {
        return new Outputs(triggers.stream().filter(t -> !t.fireTime().isAfter(instant)).toList(),
                segments.stream().filter(s -> !s.changeTime().isAfter(instant)).toList(),
                outcomes.stream().filter(o -> !o.decidedAt().isAfter(instant)).toList());
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    interface Decoding<T> {
        T decode() throws Exception;
    }

    /** A record of ours that does not decode fails the test. */
    static <T> T decode(Decoding<T> decoding) {
        try {
            return decoding.decode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
