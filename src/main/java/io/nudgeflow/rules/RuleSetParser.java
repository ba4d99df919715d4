package io.nudgeflow.rules;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nudgeflow.domain.AttributeTemplate;
import io.nudgeflow.domain.ChecklistCompletedRule;
import io.nudgeflow.domain.ChecklistStalledRule;
import io.nudgeflow.domain.Durations;
import io.nudgeflow.domain.InactivityRule;
import io.nudgeflow.domain.LifecycleSettings;
import io.nudgeflow.domain.OnboardingSettings;
import io.nudgeflow.domain.Rule;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.TriggerKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a rule file (YAML, or JSON which is YAML too) into a validated {@link RuleSet}. Every error names
 * the file, the line, the rule and the field, and says what is wrong. Unknown fields are errors (they are
 * usually typos); unknown event types are not (new apps send new events).
 */
public final class RuleSetParser {
    public static final String DEFAULT_RESOURCE = "/default-rules.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Set<String> TOP_LEVEL = Set.of(
            "version", "active_events", "onboarding", "lifecycle", "dedup_window", "late_tolerance", "rules");
    private static final Set<String> RULE_TYPES = new LinkedHashSet<>(List.of(
            "inactivity", "checklist_completed", "checklist_stalled"));

    private final String source;
    private final LineIndex lines;

    private RuleSetParser(String source, LineIndex lines) {
        this.source = source;
        this.lines = lines;
    }

    /** The bundled default rule set (SPEC section 4). */
    public static RuleSet loadDefault() {
        try (InputStream in = RuleSetParser.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default-rules.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rule file at {@code file}, or the default rule set when {@code file} is null. */
    public static RuleSet loadOrDefault(Path file) {
        return file == null ? loadDefault() : load(file);
    }

    public static RuleSet load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RuleSetException(file + ": rule file not found");
        } catch (IOException e) {
            throw new RuleSetException(file + ": cannot read rule file: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static RuleSet parse(String text, String source) {
        JsonNode root;
        LineIndex lines;
        try {
            root = YAML.readTree(text);
            lines = LineIndex.of(YAML, text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            throw new RuleSetException(source + ":" + line + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RuleSetException(source + ": cannot parse: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RuleSetException(source + ":1: a rule file is a mapping with 'version', 'active_events' and 'rules'");
        }
        return new RuleSetParser(source, lines).ruleSet(root);
    }

    private RuleSet ruleSet(JsonNode root) {
        rejectUnknown(root, "", TOP_LEVEL, null);
        String version = requiredText(root, "", "version", null);
        Set<String> active = new LinkedHashSet<>(stringList(required(root, "", "active_events", null), "/active_events", null));
        if (active.isEmpty()) {
            throw error("/active_events", null, "active_events", "must list at least one event type");
        }
        OnboardingSettings onboarding = onboarding(required(root, "", "onboarding", null));
        LifecycleSettings lifecycle = lifecycle(root.get("lifecycle"));
        Duration dedup = optionalDuration(root, "", "dedup_window", null, Duration.ofHours(24));
        Duration late = optionalDuration(root, "", "late_tolerance", null, Duration.ofHours(24));

        JsonNode rulesNode = required(root, "", "rules", null);
        if (!rulesNode.isArray()) {
            throw error("/rules", null, "rules", "must be a list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            Rule rule = rule(rulesNode.get(i), "/rules/" + i);
            if (!ids.add(rule.id())) {
                throw error("/rules/" + i + "/id", rule.id(), "id", "duplicate rule id");
            }
            rules.add(rule);
        }
        return new RuleSet(version, active, onboarding, lifecycle, dedup, late, rules);
    }

    private OnboardingSettings onboarding(JsonNode node) {
        rejectUnknown(node, "/onboarding", Set.of("start_event", "checklist"), null);
        String start = node.hasNonNull("start_event") ? text(node.get("start_event"), "/onboarding/start_event", null, "start_event") : null;
        List<String> checklist = stringList(required(node, "/onboarding", "checklist", null), "/onboarding/checklist", null);
        if (checklist.isEmpty() || checklist.size() > 31) {
            throw error("/onboarding/checklist", null, "checklist", "must have 1 to 31 steps");
        }
        if (new HashSet<>(checklist).size() != checklist.size()) {
            throw error("/onboarding/checklist", null, "checklist", "lists a step twice");
        }
        return new OnboardingSettings(start, checklist);
    }

    private LifecycleSettings lifecycle(JsonNode node) {
        LifecycleSettings d = LifecycleSettings.defaults();
        if (node == null) {
            return d;
        }
        String at = "/lifecycle";
        rejectUnknown(node, at, Set.of("window_days", "casual_min_active_days", "active_min_active_days",
                "highly_active_min_active_days", "at_risk_after", "dormant_after", "churned_after", "returning_for"), null);
        int window = optionalInt(node, at, "window_days", d.windowDays(), 1, 64);
        int casual = optionalInt(node, at, "casual_min_active_days", d.casualMinActiveDays(), 1, window);
        int active = optionalInt(node, at, "active_min_active_days", d.activeMinActiveDays(), casual + 1, window);
        int highly = optionalInt(node, at, "highly_active_min_active_days", d.highlyActiveMinActiveDays(), active + 1, window);
        return new LifecycleSettings(window, casual, active, highly,
                optionalDuration(node, at, "at_risk_after", null, d.atRiskAfter()),
                optionalDuration(node, at, "dormant_after", null, d.dormantAfter()),
                optionalDuration(node, at, "churned_after", null, d.churnedAfter()),
                optionalDuration(node, at, "returning_for", null, d.returningFor()));
    }

    private Rule rule(JsonNode node, String at) {
        if (!node.isObject()) {
            throw error(at, null, null, "a rule is a mapping with id, kind, type and its parameters");
        }
        String id = requiredText(node, at, "id", null);
        if (!RULE_ID.matcher(id).matches()) {
            throw error(at + "/id", id, "id", "must be lower_snake_case, start with a letter, at most 64 characters");
        }
        String kindText = requiredText(node, at, "kind", id);
        TriggerKind kind;
        try {
            kind = TriggerKind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw error(at + "/kind", id, "kind", "'" + kindText + "' is not one of " + List.of(TriggerKind.values()));
        }
        String type = requiredText(node, at, "type", id);
        AttributeTemplate attributes = attributes(node.get("attributes"), at + "/attributes", id);
        Rule rule = switch (type) {
            case "inactivity" -> {
                rejectUnknown(node, at, Set.of("id", "kind", "type", "after", "attributes"), id);
                yield new InactivityRule(id, kind, requiredDuration(node, at, "after", id), attributes);
            }
            case "checklist_completed" -> {
                rejectUnknown(node, at, Set.of("id", "kind", "type", "attributes"), id);
                yield new ChecklistCompletedRule(id, kind, attributes);
            }
            case "checklist_stalled" -> {
                rejectUnknown(node, at, Set.of("id", "kind", "type", "after", "attributes"), id);
                yield new ChecklistStalledRule(id, kind, requiredDuration(node, at, "after", id), attributes);
            }
            default -> throw error(at + "/type", id, "type", "unknown rule type '" + type + "'; known types: " + RULE_TYPES);
        };
        Set<String> unknown = new LinkedHashSet<>(attributes.placeholders());
        unknown.removeAll(rule.variables());
        if (!unknown.isEmpty()) {
            throw error(at + "/attributes", id, "attributes", "placeholder(s) " + unknown + " are not offered by type '"
                    + type + "'" + (rule.variables().isEmpty() ? " (it offers none)" : "; it offers " + new java.util.TreeSet<>(rule.variables())));
        }
        return rule;
    }

    private AttributeTemplate attributes(JsonNode node, String at, String ruleId) {
        if (node == null || node.isNull()) {
            return AttributeTemplate.NONE;
        }
        if (!node.isObject()) {
            throw error(at, ruleId, "attributes", "must be a mapping of names to strings");
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw error(at + "/" + e.getKey(), ruleId, "attributes." + e.getKey(), "must be a string");
            }
            entries.put(e.getKey(), e.getValue().asText());
        }
        return new AttributeTemplate(entries);
    }

    // ---- field helpers ----

    private JsonNode required(JsonNode node, String at, String field, String ruleId) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw error(at, ruleId, field, "is required");
        }
        return value;
    }

    private String requiredText(JsonNode node, String at, String field, String ruleId) {
        return text(required(node, at, field, ruleId), at + "/" + field, ruleId, field);
    }

    private String text(JsonNode value, String at, String ruleId, String field) {
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw error(at, ruleId, field, "must be a non-empty string");
        }
        return value.asText().trim();
    }

    private List<String> stringList(JsonNode value, String at, String ruleId) {
        String field = at.substring(at.lastIndexOf('/') + 1);
        if (!value.isArray()) {
            throw error(at, ruleId, field, "must be a list of event types");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            out.add(text(value.get(i), at + "/" + i, ruleId, field));
        }
        return out;
    }

    private Duration requiredDuration(JsonNode node, String at, String field, String ruleId) {
        return duration(required(node, at, field, ruleId), at + "/" + field, ruleId, field);
    }

    private Duration optionalDuration(JsonNode node, String at, String field, String ruleId, Duration fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : duration(value, at + "/" + field, ruleId, field);
    }

    private Duration duration(JsonNode value, String at, String ruleId, String field) {
        Duration d;
        try {
            d = Durations.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw error(at, ruleId, field, e.getMessage());
        }
        if (d.isNegative() || d.isZero()) {
            throw error(at, ruleId, field, "must be positive");
        }
        return d;
    }

    private int optionalInt(JsonNode node, String at, String field, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            throw error(at + "/" + field, null, field, "must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    private void rejectUnknown(JsonNode node, String at, Set<String> allowed, String ruleId) {
        if (!node.isObject()) {
            throw error(at, ruleId, at.substring(at.lastIndexOf('/') + 1), "must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw error(at + "/" + name, ruleId, name, "unknown field; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private RuleSetException error(String pointer, String ruleId, String field, String what) {
        StringBuilder sb = new StringBuilder(source).append(':').append(lines.lineOf(pointer)).append(": ");
        if (ruleId != null) {
            sb.append("rule '").append(ruleId).append("', ");
        }
        if (field != null) {
            sb.append("field '").append(field).append("': ");
        }
        return new RuleSetException(sb.append(what).toString());
    }
}
