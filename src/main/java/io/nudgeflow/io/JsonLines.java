package io.nudgeflow.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.avro.UserEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON-lines form of the Avro records: same field names, times as ISO-8601 UTC strings, fields in
 * schema order and attributes sorted, so the same record always gives the same bytes.
 */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {}

    public static String toJson(Trigger t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("trigger_id", t.getTriggerId());
        n.put("user_id", t.getUserId());
        n.put("rule_id", t.getRuleId());
        n.put("kind", t.getKind().name());
        n.put("fire_time", iso(t.getFireTime()));
        n.put("emitted_at", iso(t.getEmittedAt()));
        n.put("cause_event_id", t.getCauseEventId());
        n.put("stage", t.getStage().name());
        n.put("variant", t.getVariant());
        n.put("rule_set_version", t.getRuleSetVersion());
        putMap(n, "attributes", t.getAttributes());
        n.put("suppressed_reason", t.getSuppressedReason());
        return write(n);
    }

    public static String toJson(TriggerOutcome o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("trigger_id", o.getTriggerId());
        n.put("user_id", o.getUserId());
        n.put("rule_id", o.getRuleId());
        n.put("variant", o.getVariant());
        n.put("holdout", o.getHoldout());
        n.put("suppressed_reason", o.getSuppressedReason());
        n.put("fire_time", iso(o.getFireTime()));
        n.put("window_end", iso(o.getWindowEnd()));
        n.put("converted", o.getConverted());
        n.put("converted_at", o.getConvertedAt() == null ? null : iso(o.getConvertedAt()));
        n.put("time_to_convert_ms", o.getTimeToConvertMs());
        n.put("converting_event_id", o.getConvertingEventId());
        n.put("ended_by", o.getEndedBy());
        n.put("rule_set_version", o.getRuleSetVersion());
        n.put("emitted_at", iso(o.getEmittedAt()));
        return write(n);
    }

    public static String toJson(SegmentChange c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("user_id", c.getUserId());
        n.put("from_stage", c.getFromStage() == null ? null : c.getFromStage().name());
        n.put("to_stage", c.getToStage().name());
        n.put("change_time", iso(c.getChangeTime()));
        n.put("emitted_at", iso(c.getEmittedAt()));
        n.put("reason", c.getReason());
        return write(n);
    }

    public static String toJson(UserEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event_id", e.getEventId());
        n.put("user_id", e.getUserId());
        n.put("event_type", e.getEventType());
        n.put("event_time", iso(e.getEventTime()));
        if (e.getTimezone() != null) {
            n.put("timezone", e.getTimezone());
        }
        if (e.getValue() != null) {
            n.put("value", e.getValue());
        }
        if (!e.getProperties().isEmpty()) {
            putMap(n, "properties", e.getProperties());
        }
        return write(n);
    }

    /** One top-level field of a JSON line as text; "" when absent or null. */
    public static String field(String jsonLine, String name) {
        com.fasterxml.jackson.databind.JsonNode node = read(jsonLine).get(name);
        return node == null || node.isNull() ? "" : node.asText();
    }

    /** A JSON line this project wrote (replay's outputs), as a tree. */
    public static com.fasterxml.jackson.databind.JsonNode read(String jsonLine) {
        try {
            return JSON.readTree(jsonLine);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String iso(Instant instant) {
        return instant.toString();
    }

    private static void putMap(ObjectNode n, String field, Map<String, String> map) {
        ObjectNode m = n.putObject(field);
        new TreeMap<>(map).forEach(m::put);
    }

    private static String write(ObjectNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
