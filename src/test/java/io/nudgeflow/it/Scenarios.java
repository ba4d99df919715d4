package io.nudgeflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public golden scenarios in {@code ../shared/scenarios}, compared as their README says: the listed
 * fields and each listed attribute (outputs may carry more).
 */
final class Scenarios {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path DIR = locate();

    static final Map<String, String> UNTIL = Map.of(
            "inactivity", "2026-03-05T00:00:00Z",
            "streak", "2026-03-09T00:00:00Z",
            "cart", "2026-03-02T23:00:00Z",
            "frequency-cap", "2026-03-02T23:00:00Z");

    private Scenarios() {}

    static Path events(String name) {
        return DIR.resolve(name + ".events.jsonl");
    }

    /** Expected lines of one output; an absent file means no records. */
    static List<JsonNode> expected(String name, String output) {
        Path file = DIR.resolve(name + ".expected-" + output + ".jsonl");
        return Files.exists(file) ? parse(readLines(file)) : List.of();
    }

    static List<JsonNode> parse(List<String> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** A trigger as the scenarios compare it: the fixed fields plus only the attributes the expectation lists. */
    static Map<String, Object> triggerView(JsonNode actual, JsonNode expected) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (String field : List.of("user_id", "rule_id", "kind", "fire_time", "suppressed_reason")) {
            view.put(field, text(actual, field));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<String> it = expected.path("attributes").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            attributes.put(name, text(actual.path("attributes"), name));
        }
        view.put("attributes", attributes);
        return view;
    }

    static Map<String, Object> segmentView(JsonNode node) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (String field : List.of("user_id", "from_stage", "to_stage", "change_time")) {
            view.put(field, text(node, field));
        }
        return view;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/scenarios");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            candidate = dir.resolve("../shared/scenarios").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("../shared/scenarios not found beside the checkout");
    }
}
