package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's attributes as written in the rule file: literal strings with {@code {variable}} placeholders
 * that the rule type fills in when it fires (e.g. {@code hours_inactive: "{hours_inactive}"}). Each value
 * is split into literal and placeholder parts once, when the rule file is read, not at every trigger.
 */
public final class AttributeTemplate implements Serializable {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*(?:\\.[A-Za-z0-9_-]+)?)}");

    public static final AttributeTemplate NONE = new AttributeTemplate(Map.of());

    private final Map<String, String> entries;
    /** Per attribute, its parts in order: even indexes literal text, odd indexes placeholder names. */
    private final TreeMap<String, String[]> compiled = new TreeMap<>();

    public AttributeTemplate(Map<String, String> entries) {
        this.entries = Map.copyOf(entries);
        this.entries.forEach((key, value) -> {
            List<String> parts = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(value);
            int from = 0;
            while (m.find()) {
                parts.add(value.substring(from, m.start()));
                parts.add(m.group(1));
                from = m.end();
            }
            parts.add(value.substring(from));
            compiled.put(key, parts.toArray(String[]::new));
        });
    }

    public Map<String, String> entries() {
        return entries;
    }

    /** Placeholder names used by the template, for validation against what the rule type offers. */
    public Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        for (String[] parts : compiled.values()) {
            for (int i = 1; i < parts.length; i += 2) {
                names.add(parts[i]);
            }
        }
        return names;
    }

    /** This template with {@code more} entries added (a variant's attributes); {@code more} wins on conflicts. */
    public AttributeTemplate plus(AttributeTemplate more) {
        if (more.entries.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new HashMap<>(entries);
        merged.putAll(more.entries);
        return new AttributeTemplate(merged);
    }

    /**
     * Renders the attributes; sorted keys keep the output byte-identical across runs. An attribute that
     * renders empty is left out, so "cart_value if known" needs no special case.
     */
    public Map<String, String> render(Map<String, String> variables) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String[]> e : compiled.entrySet()) {
            String[] parts = e.getValue();
            String value;
            if (parts.length == 1) {
                value = parts[0];
            } else {
                StringBuilder sb = new StringBuilder(parts[0]);
                for (int i = 1; i < parts.length; i += 2) {
                    sb.append(variables.getOrDefault(parts[i], "")).append(parts[i + 1]);
                }
                value = sb.toString();
            }
            if (!value.isEmpty()) {
                out.put(e.getKey(), value);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributeTemplate other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "AttributeTemplate" + entries;
    }
}
