package io.nudgeflow.rules;

import io.nudgeflow.domain.Durations;
import io.nudgeflow.domain.Rule;
import io.nudgeflow.domain.RuleSet;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changed between two rule sets, as {@code nudgeflow rules diff} prints it: settings and rules added,
 * removed and changed, field by field. Compares the parsed rule sets, so a default written out and one left
 * implicit are the same, and formatting or key order is no change at all.
 */
public final class RuleSetDiff {
    /** One changed field: its path ({@code lifecycle.at_risk_after}, {@code after}) and both values (null: absent). */
    public record Change(String field, String before, String after) {}

    public record Result(List<Change> settings, List<String> added, List<String> removed,
            Map<String, List<Change>> changed) {
        public boolean isEmpty() {
            return settings.isEmpty() && added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    private RuleSetDiff() {}

    public static Result of(RuleSet before, RuleSet after) {
        Map<String, String> settingsBefore = settings(before);
        Map<String, String> settingsAfter = settings(after);
        Map<String, Rule> rulesBefore = byId(before);
        Map<String, Rule> rulesAfter = byId(after);
        List<String> added = rulesAfter.keySet().stream().filter(id -> !rulesBefore.containsKey(id)).toList();
        List<String> removed = rulesBefore.keySet().stream().filter(id -> !rulesAfter.containsKey(id)).toList();
        Map<String, List<Change>> changed = new TreeMap<>();
        for (String id : rulesBefore.keySet()) {
            Rule a = rulesBefore.get(id);
            Rule b = rulesAfter.get(id);
            if (b != null) {
                List<Change> changes = changes(fields(a), fields(b));
                if (!changes.isEmpty()) {
                    changed.put(id, changes);
                }
            }
        }
        return new Result(changes(settingsBefore, settingsAfter), added, removed, changed);
    }

    private static Map<String, Rule> byId(RuleSet rules) {
        Map<String, Rule> byId = new TreeMap<>();
        rules.rules().forEach(r -> byId.put(r.id(), r));
        return byId;
    }

    private static Map<String, String> settings(RuleSet rules) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("version", rules.version());
        out.put("active_events", String.valueOf(new TreeSet<>(rules.activeEvents())));
        flatten(rules.onboarding(), "onboarding.", out);
        flatten(rules.lifecycle(), "lifecycle.", out);
        out.put("dedup_window", format(rules.dedupWindow()));
        out.put("late_tolerance", format(rules.lateTolerance()));
        flatten(rules.guardrails(), "guardrails.", out);
        return out;
    }

    /** A rule's fields: its type, then the header's and its type's parameters (derived memory keys left out). */
    private static Map<String, String> fields(Rule rule) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", snake(rule.getClass().getSimpleName().replaceAll("Rule$", "")));
        flatten(rule.header(), "", out);
        out.remove("id");
        for (RecordComponent c : rule.getClass().getRecordComponents()) {
            if (!c.getName().equals("header") && !c.getName().endsWith("Key")) {
                put(out, snake(c.getName()), value(c, rule));
            }
        }
        return out;
    }

    private static void flatten(Object value, String prefix, Map<String, String> out) {
        if (value instanceof Record record) {
            for (RecordComponent c : record.getClass().getRecordComponents()) {
                Object v = value(c, record);
                if (v instanceof Record) {
                    flatten(v, prefix + snake(c.getName()) + ".", out);
                } else {
                    put(out, prefix + snake(c.getName()), v);
                }
            }
        } else {
            put(out, prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix, value);
        }
    }

    private static void put(Map<String, String> out, String field, Object value) {
        if (value instanceof Duration d) {
            out.put(field, format(d));
        } else if (value instanceof Collection<?> c) {
            List<String> items = new ArrayList<>();
            c.forEach(item -> items.add(String.valueOf(item)));
            out.put(field, String.valueOf(items));
        } else if (value instanceof io.nudgeflow.domain.AttributeTemplate) {
            out.put(field, String.valueOf(value).replaceFirst("^AttributeTemplate", "")); // {name={placeholder}, ...}
        } else {
            out.put(field, value == null ? null : String.valueOf(value));
        }
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Change> changes(Map<String, String> before, Map<String, String> after) {
        List<Change> changes = new ArrayList<>();
        TreeSet<String> fields = new TreeSet<>(before.keySet());
        fields.addAll(after.keySet());
        for (String f : fields) {
            String a = before.get(f);
            String b = after.get(f);
            if (!java.util.Objects.equals(a, b)) {
                changes.add(new Change(f, a, b));
            }
        }
        // the order of the fields as written, roughly: version and type first
        changes.sort(java.util.Comparator.comparing((Change c) -> !c.field().equals("version") && !c.field().equals("type")));
        return changes;
    }

    private static String format(Duration d) {
        return d == null ? null : Durations.format(d);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
