package io.nudgeflow.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudgeflow.avro.UserEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line with the field names of {@code UserEvent}; {@code event_time} is an ISO-8601 UTC string
 * or epoch milliseconds. Unknown fields are ignored, so richer exports can be replayed as they are.
 */
public final class JsonEventDecoder implements EventDecoder {
    /** One value per line: "{...} {...}" or "{...}x" is not an event plus noise, it is a bad line. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public UserEvent decode(byte[] bytes) throws BadEventException {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new BadEventException("UNDECODABLE: not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new BadEventException("UNDECODABLE: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadEventException("UNDECODABLE: a JSON object per line is expected");
        }
        return UserEvent.newBuilder()
                .setEventId(requiredString(node, "event_id"))
                .setUserId(requiredString(node, "user_id"))
                .setEventType(requiredString(node, "event_type"))
                .setEventTime(time(node.get("event_time")))
                .setTimezone(optionalString(node, "timezone"))
                .setValue(value(node.get("value")))
                .setProperties(properties(node.get("properties")))
                .build();
    }

    static Instant time(JsonNode value) throws BadEventException {
        if (value == null || value.isNull()) {
            throw new BadEventException("MISSING_FIELD: event_time");
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) { // asLong() would wrap it round silently
                throw new BadEventException("INVALID_TIME: event_time " + value.asText() + " does not fit epoch milliseconds");
            }
            return Instant.ofEpochMilli(value.asLong());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.asText());
            } catch (DateTimeParseException e) {
                throw new BadEventException("INVALID_TIME: event_time '" + value.asText()
                        + "' is neither ISO-8601 UTC (2026-11-01T08:00:00Z) nor epoch milliseconds");
            }
        }
        throw new BadEventException("INVALID_TIME: event_time must be an ISO-8601 string or epoch milliseconds");
    }

    private static String requiredString(JsonNode node, String field) throws BadEventException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new BadEventException("MISSING_FIELD: " + field);
        }
        if (!value.isTextual()) {
            throw new BadEventException("INVALID_FIELD: " + field + " must be a string");
        }
        return value.asText();
    }

    private static String optionalString(JsonNode node, String field) throws BadEventException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadEventException("INVALID_FIELD: " + field + " must be a string");
        }
        return value.asText();
    }

    private static Double value(JsonNode value) throws BadEventException {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new BadEventException("INVALID_FIELD: value must be a number");
        }
        return value.asDouble();
    }

    private static Map<String, String> properties(JsonNode value) throws BadEventException {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isObject()) {
            throw new BadEventException("INVALID_FIELD: properties must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new BadEventException("INVALID_FIELD: properties." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
