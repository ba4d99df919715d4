package io.nudgeflow.rules;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nudgeflow.domain.AttributeTemplate;
import io.nudgeflow.domain.ChecklistCompletedRule;
import io.nudgeflow.domain.ChecklistStalledRule;
import io.nudgeflow.domain.CountRule;
import io.nudgeflow.domain.CumulativeValueRule;
import io.nudgeflow.domain.Durations;
import io.nudgeflow.domain.Experiment;
import io.nudgeflow.domain.Guardrails;
import io.nudgeflow.domain.InactivityRule;
import io.nudgeflow.domain.LifecycleSettings;
import io.nudgeflow.domain.NotFollowedRule;
import io.nudgeflow.domain.OnEventRule;
import io.nudgeflow.domain.OnboardingSettings;
import io.nudgeflow.domain.RepeatedWithoutRule;
import io.nudgeflow.domain.Rule;
import io.nudgeflow.domain.Goal;
import io.nudgeflow.domain.RuleHeader;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.StreakAtRiskRule;
import io.nudgeflow.domain.StreakRule;
import io.nudgeflow.domain.TriggerKind;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
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
 * Reads a rule file (YAML, or JSON: a document opening with a brace) into a validated {@link RuleSet}. Every error names
 * the file, the line, the rule and the field, and says what is wrong. Unknown fields are errors (they are
 * usually typos); unknown event types are not (new apps send new events).
 */
public final class RuleSetParser {
    public static final String DEFAULT_RESOURCE = "/default-rules.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Set<String> TOP_LEVEL = Set.of(
            "version", "active_events", "onboarding", "lifecycle", "dedup_window", "late_tolerance", "guardrails", "rules");
    private static final List<String> COMMON_RULE_FIELDS = List.of("id", "kind", "type", "attributes", "cooldown", "experiment", "goal");
    /** Each rule type and its own parameters. */
    private static final Map<String, List<String>> RULE_TYPES = new LinkedHashMap<>();

    static {
        RULE_TYPES.put("inactivity", List.of("after"));
        RULE_TYPES.put("checklist_completed", List.of());
        RULE_TYPES.put("checklist_stalled", List.of("after"));
        RULE_TYPES.put("streak", List.of("days"));
        RULE_TYPES.put("streak_at_risk", List.of("at_local", "min_streak"));
        RULE_TYPES.put("count", List.of("event", "count"));
        RULE_TYPES.put("cumulative_value", List.of("event", "threshold"));
        RULE_TYPES.put("repeated_without", List.of("event", "count", "within", "reset_on", "group_by"));
        RULE_TYPES.put("not_followed", List.of("event", "followed_by", "within"));
        RULE_TYPES.put("on_event", List.of("event", "cancel_on"));
    }

    private final String source;
    private final LineIndex lines;

    private RuleSetParser(String source, LineIndex lines) {
        this.source = source;
        this.lines = lines;
    }

    /** The bundled default rule set (SPEC section 4). */
    public static RuleSet loadDefault() {
        return parse(defaultText(), "default-rules.yaml");
    }

    /** The rule file at {@code file}, or the default rule set when {@code file} is null. */
    public static RuleSet loadOrDefault(Path file) {
        return file == null ? loadDefault() : load(file);
    }

    /** A job's starting rules: the file's (or the default) rule set, in force at every instant, with its text. */
    public static io.nudgeflow.domain.RulesTimeline timelineOf(Path file) {
        String text = readTextOrDefault(file);
        String source = file == null ? "default-rules.yaml" : file.toString();
        return io.nudgeflow.domain.RulesTimeline.of(parse(text, source), "file:" + source, text);
    }

    public static RuleSet load(Path file) {
        return parse(readText(file), file.toString());
    }

    /** The text of the rule file at {@code file}, or of the default rule set when {@code file} is null. */
    public static String readTextOrDefault(Path file) {
        return file == null ? defaultText() : readText(file);
    }

    public static String defaultText() {
        try (InputStream in = RuleSetParser.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String readText(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RuleSetException(file + ": rule file not found");
        } catch (IOException e) {
            throw new RuleSetException(file + ": cannot read rule file: " + e.getMessage(), e);
        }
        return text;
    }

    public static RuleSet parse(String text, String source) {
        JsonNode root;
        LineIndex lines;
        // JSON is YAML, except that YAML forbids tabs where JSON allows any whitespace: a document that opens
        // with '{' is read as the JSON it almost certainly is
        boolean json = text.stripLeading().startsWith("{");
        ObjectMapper mapper = json ? JSON : YAML;
        try {
            root = mapper.readTree(text);
            lines = LineIndex.of(mapper, text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            String what = "not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage();
            throw new RuleSetException(source + ":" + line + ": " + what, null, null, line, what);
        } catch (IOException e) {
            throw new RuleSetException(source + ": cannot parse: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RuleSetException(source + ":1: a rule file is a mapping with 'version', 'active_events' and 'rules'");
        }
        return new RuleSetParser(source, lines).ruleSet(root);
    }

    static final Duration MAX_DEDUP_WINDOW = Duration.ofDays(7);
    /**
     * No duration in a rule file may exceed ten years: event times end before 2200 (EventValidator), so every
     * instant the engine derives (an event's time plus a duration, plus a cooldown) stays far inside a long.
     */
    static final Duration MAX_DURATION = Duration.ofDays(3650);
    /** Thresholds are compared in hundredths in a long: at most a trillion keeps every sum exact. */
    static final double MAX_THRESHOLD = 1e12;

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
        if (dedup.compareTo(MAX_DEDUP_WINDOW) > 0) {
            // ids are kept with a 32-bit millisecond offset in state (UserStateCodec); redeliveries come far sooner
            throw error("/dedup_window", null, "dedup_window", "must be at most 7d");
        }
        Duration late = optionalDuration(root, "", "late_tolerance", null, Duration.ofHours(24));
        Guardrails guardrails = guardrails(root.get("guardrails"));

        JsonNode rulesNode = required(root, "", "rules", null);
        if (!rulesNode.isArray()) {
            throw error("/rules", null, "rules", "must be a list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            Rule rule = rule(rulesNode.get(i), "/rules/" + i, onboarding);
            if (!ids.add(rule.id())) {
                throw error("/rules/" + i + "/id", rule.id(), "id", "duplicate rule id");
            }
            rules.add(rule);
        }
        return new RuleSet(version, active, onboarding, lifecycle, dedup, late, guardrails, rules);
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

    private Guardrails guardrails(JsonNode node) {
        Guardrails d = Guardrails.defaults();
        if (node == null) {
            return d;
        }
        String at = "/guardrails";
        rejectUnknown(node, at, Set.of("frequency_cap_per_local_day", "quiet_hours", "staleness", "consent", "erasure_event"), null);
        int cap = optionalInt(node, at, "frequency_cap_per_local_day", d.frequencyCapPerLocalDay(), 0, 1000);
        LocalTime quietStart = d.quietStart();
        LocalTime quietEnd = d.quietEnd();
        Set<TriggerKind> quietKinds = d.quietKinds();
        JsonNode quiet = node.get("quiet_hours");
        if (quiet != null && (quiet.isNull() || (quiet.isBoolean() && !quiet.asBoolean()) || "off".equals(quiet.asText()))) {
            quietStart = null;
        } else if (quiet != null) {
            String q = at + "/quiet_hours";
            rejectUnknown(quiet, q, Set.of("start", "end", "kinds"), null);
            quietStart = localTime(required(quiet, q, "start", null), q + "/start", null, "start");
            quietEnd = localTime(required(quiet, q, "end", null), q + "/end", null, "end");
            if (quietStart.equals(quietEnd)) {
                throw error(q, null, "quiet_hours", "start and end are equal; write 'quiet_hours: off' to disable");
            }
            if (quiet.has("kinds")) {
                quietKinds = new LinkedHashSet<>();
                List<String> names = stringList(quiet.get("kinds"), q + "/kinds", null);
                for (int i = 0; i < names.size(); i++) {
                    quietKinds.add(kind(names.get(i), q + "/kinds/" + i, null, "kinds"));
                }
            }
        }
        Duration stale = optionalDuration(node, at, "staleness", null, d.staleAfter());
        String optOut = d.optOutEvent();
        String optIn = d.optInEvent();
        JsonNode consent = node.get("consent");
        if (consent != null) {
            rejectUnknown(consent, at + "/consent", Set.of("opt_out_event", "opt_in_event"), null);
            optOut = requiredText(consent, at + "/consent", "opt_out_event", null);
            optIn = requiredText(consent, at + "/consent", "opt_in_event", null);
        }
        String erasure = node.has("erasure_event") ? requiredText(node, at, "erasure_event", null) : d.erasureEvent();
        return new Guardrails(cap, quietStart, quietEnd, quietKinds, stale, optOut, optIn, erasure);
    }

    private Rule rule(JsonNode node, String at, OnboardingSettings onboarding) {
        if (!node.isObject()) {
            throw error(at, null, null, "a rule is a mapping with id, kind, type and its parameters");
        }
        String id = requiredText(node, at, "id", null);
        if (!RULE_ID.matcher(id).matches()) {
            throw error(at + "/id", id, "id", "must be lower_snake_case, start with a letter, at most 64 characters");
        }
        TriggerKind kind = kind(requiredText(node, at, "kind", id), at + "/kind", id, "kind");
        String type = requiredText(node, at, "type", id);
        List<String> parameters = RULE_TYPES.get(type);
        if (parameters == null) {
            throw error(at + "/type", id, "type", "unknown rule type '" + type + "'; known types: " + RULE_TYPES.keySet());
        }
        Set<String> allowed = new HashSet<>(COMMON_RULE_FIELDS);
        allowed.addAll(parameters);
        rejectUnknown(node, at, allowed, id);
        AttributeTemplate attributes = attributes(node.get("attributes"), at + "/attributes", id);
        RuleHeader header = new RuleHeader(id, kind, attributes,
                node.hasNonNull("cooldown") ? requiredDuration(node, at, "cooldown", id) : null,
                node.hasNonNull("experiment") ? experiment(node.get("experiment"), at + "/experiment", id) : null,
                goal(node, at, id, type, onboarding));
        Rule rule = switch (type) {
            case "inactivity" -> new InactivityRule(header, requiredDuration(node, at, "after", id));
            case "checklist_completed" -> new ChecklistCompletedRule(header);
            case "checklist_stalled" -> new ChecklistStalledRule(header, requiredDuration(node, at, "after", id));
            case "streak" -> new StreakRule(header, requiredInt(node, at, "days", id, 1, 64));
            case "streak_at_risk" -> new StreakAtRiskRule(header,
                    localTime(required(node, at, "at_local", id), at + "/at_local", id, "at_local"),
                    node.has("min_streak") ? requiredInt(node, at, "min_streak", id, 1, 63) : 2);
            case "count" -> new CountRule(header, requiredText(node, at, "event", id), requiredInt(node, at, "count", id, 1, Integer.MAX_VALUE));
            case "cumulative_value" -> new CumulativeValueRule(header, requiredText(node, at, "event", id), requiredPositive(node, at, "threshold", id));
            case "repeated_without" -> new RepeatedWithoutRule(header, requiredText(node, at, "event", id),
                    requiredInt(node, at, "count", id, 1, RepeatedWithoutRule.MAX_PAIRS), requiredDuration(node, at, "within", id),
                    requiredText(node, at, "reset_on", id),
                    node.hasNonNull("group_by") ? requiredText(node, at, "group_by", id) : null);
            case "not_followed" -> new NotFollowedRule(header, requiredText(node, at, "event", id),
                    requiredText(node, at, "followed_by", id), requiredDuration(node, at, "within", id));
            case "on_event" -> new OnEventRule(header, requiredText(node, at, "event", id),
                    node.hasNonNull("cancel_on") ? stringList(node.get("cancel_on"), at + "/cancel_on", id) : List.of());
            default -> throw new IllegalStateException("rule type without a constructor: " + type);
        };
        checkPlaceholders(rule, header, at, type);
        return rule;
    }

    private void checkPlaceholders(Rule rule, RuleHeader header, String at, String type) {
        Set<String> used = new LinkedHashSet<>(header.attributes().placeholders());
        if (header.experiment() != null) {
            header.experiment().variants().forEach(v -> used.addAll(v.attributes().placeholders()));
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (String name : used) {
            boolean offered = rule.variables().contains(name)
                    || (name.startsWith(OnEventRule.PROPERTY_PREFIX) && rule.variables().contains(OnEventRule.PROPERTY_PREFIX + "*"));
            if (!offered) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw error(at + "/attributes", header.id(), "attributes", "placeholder(s) " + unknown + " are not offered by type '"
                    + type + "'" + (rule.variables().isEmpty() ? " (it offers none)" : "; it offers " + new java.util.TreeSet<>(rule.variables())));
        }
    }

    /**
     * {@code goal: active}, {@code goal: off}, or {@code goal: {events: [..] | active, within: D}}; without one,
     * the rule type's default ({@link #defaultGoal}).
     */
    private Goal goal(JsonNode node, String at, String ruleId, String type, OnboardingSettings onboarding) {
        JsonNode value = node.get("goal");
        String g = at + "/goal";
        if (value == null || value.isNull()) {
            return defaultGoal(node, at, ruleId, type, onboarding);
        }
        if (value.isBoolean() && !value.asBoolean()) {
            return null; // YAML reads an unquoted off as false
        }
        if (value.isTextual()) {
            return switch (value.asText().trim()) {
                case "active" -> Goal.active(Goal.DEFAULT_WITHIN);
                case "off" -> null;
                default -> throw error(g, ruleId, "goal", "must be 'active', 'off' or {events: [...] | active, within: DURATION}");
            };
        }
        if (!value.isObject()) {
            throw error(g, ruleId, "goal", "must be 'active', 'off' or {events: [...] | active, within: DURATION}");
        }
        rejectUnknown(value, g, Set.of("events", "within"), ruleId);
        Duration within = optionalDuration(value, g, "within", ruleId, Goal.DEFAULT_WITHIN);
        JsonNode events = value.get("events");
        if (events == null || events.isNull() || events.isTextual() && events.asText().trim().equals("active")) {
            return Goal.active(within);
        }
        List<String> types = stringList(events, g + "/events", ruleId);
        if (types.isEmpty()) {
            throw error(g + "/events", ruleId, "events", "must list at least one event type, or be 'active'");
        }
        if (types.size() > Goal.MAX_EVENTS) {
            // each open window keeps its goal's types in the user's state: the list bounds the record
            throw error(g + "/events", ruleId, "events", "must list at most " + Goal.MAX_EVENTS + " event types");
        }
        return new Goal(new ArrayList<>(new LinkedHashSet<>(types)), within);
    }

    /**
     * What success means for a rule type unless its rule says otherwise (README, "Goals"): the purchase after a cart
     * nudge, the reset event after a struggle nudge, a checklist step after an onboarding nudge, activity before
     * the day ends after a streak-at-risk nudge, and any active event within 48 h after everything else.
     */
    private Goal defaultGoal(JsonNode node, String at, String ruleId, String type, OnboardingSettings onboarding) {
        return switch (type) {
            case "not_followed" -> new Goal(List.of(requiredText(node, at, "followed_by", ruleId)), Duration.ofHours(24));
            case "repeated_without" -> new Goal(List.of(requiredText(node, at, "reset_on", ruleId)), Duration.ofHours(24));
            case "checklist_stalled" -> new Goal(onboarding.checklist(), Goal.DEFAULT_WITHIN);
            case "streak_at_risk" -> Goal.active(Duration.ofHours(4));
            default -> Goal.active(Goal.DEFAULT_WITHIN);
        };
    }

    private Experiment experiment(JsonNode node, String at, String ruleId) {
        rejectUnknown(node, at, Set.of("id", "holdout", "variants"), ruleId);
        String id = requiredText(node, at, "id", ruleId);
        double holdout = 0;
        if (node.has("holdout")) {
            JsonNode h = node.get("holdout");
            if (!h.isNumber() || h.asDouble() < 0 || h.asDouble() >= 1) {
                throw error(at + "/holdout", ruleId, "experiment.holdout", "must be a share from 0 (inclusive) to 1 (exclusive)");
            }
            holdout = h.asDouble();
        }
        JsonNode variantsNode = required(node, at, "variants", ruleId);
        if (!variantsNode.isArray() || variantsNode.isEmpty()) {
            throw error(at + "/variants", ruleId, "experiment.variants", "must list at least one variant");
        }
        List<Experiment.Variant> variants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variantsNode.size(); i++) {
            JsonNode v = variantsNode.get(i);
            String va = at + "/variants/" + i;
            rejectUnknown(v, va, Set.of("name", "weight", "attributes"), ruleId);
            String name = requiredText(v, va, "name", ruleId);
            if (!names.add(name)) {
                throw error(va + "/name", ruleId, "experiment.variants.name", "duplicate variant '" + name + "'");
            }
            double weight = v.has("weight") ? requiredPositive(v, va, "weight", ruleId) : 1;
            variants.add(new Experiment.Variant(name, weight, attributes(v.get("attributes"), va + "/attributes", ruleId)));
        }
        return new Experiment(id, holdout, variants);
    }

    private TriggerKind kind(String text, String at, String ruleId, String field) {
        try {
            return TriggerKind.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw error(at, ruleId, field, "'" + text + "' is not one of " + List.of(TriggerKind.values()));
        }
    }

    private LocalTime localTime(JsonNode value, String at, String ruleId, String field) {
        try {
            return LocalTime.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw error(at, ruleId, field, "'" + value.asText() + "' is not a local time of day (use e.g. 20:00)");
        }
    }

    private int requiredInt(JsonNode node, String at, String field, String ruleId, int min, int max) {
        JsonNode value = required(node, at, field, ruleId);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw error(at + "/" + field, ruleId, field, "must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    private double requiredPositive(JsonNode node, String at, String field, String ruleId) {
        JsonNode value = required(node, at, field, ruleId);
        if (!value.isNumber() || !(value.asDouble() > 0) || !(value.asDouble() <= MAX_THRESHOLD)) {
            throw error(at + "/" + field, ruleId, field, "must be a positive number, at most 1e12");
        }
        return value.asDouble();
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
        if (d.compareTo(MAX_DURATION) > 0) {
            throw error(at, ruleId, field, "must be at most " + Durations.format(MAX_DURATION));
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
        int line = lines.lineOf(pointer);
        StringBuilder sb = new StringBuilder(source).append(':').append(line).append(": ");
        if (ruleId != null) {
            sb.append("rule '").append(ruleId).append("', ");
        }
        if (field != null) {
            sb.append("field '").append(field).append("': ");
        }
        return new RuleSetException(sb.append(what).toString(), ruleId, field, line, what);
    }
}
