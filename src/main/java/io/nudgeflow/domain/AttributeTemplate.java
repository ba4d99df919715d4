package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's attributes as written in the rule file: literal strings with {@code {variable}} placeholders
 * that the rule type fills in when it fires (e.g. {@code hours_inactive: "{hours_inactive}"}).
 */
public record AttributeTemplate(Map<String, String> entries) implements Serializable {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*(?:\\.[A-Za-z0-9_-]+)?)}");

    public static final AttributeTemplate NONE = new AttributeTemplate(Map.of());

    public AttributeTemplate {
        entries = Map.copyOf(entries);
    }

    /** Placeholder names used by the template, for validation against what the rule type offers. */
    public Set<String> placeholders() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String value : entries.values()) {
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** This template with {@code more} entries added (a variant's attributes); {@code more} wins on conflicts. */
    public AttributeTemplate plus(AttributeTemplate more) {
        if (more.entries.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new java.util.HashMap<>(entries);
        merged.putAll(more.entries);
        return new AttributeTemplate(merged);
    }

    /**
     * Renders the attributes; sorted keys keep the output byte-identical across runs. An attribute that
     * renders empty is left out, so "cart_value if known" needs no special case.
     */
    public Map<String, String> render(Map<String, String> variables) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String value = e.getValue();
            if (value.indexOf('{') >= 0) {
                Matcher m = PLACEHOLDER.matcher(value);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    String replacement = variables.getOrDefault(m.group(1), "");
                    m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
                }
                m.appendTail(sb);
                value = sb.toString();
            }
            if (!value.isEmpty()) {
                out.put(e.getKey(), value);
            }
        }
        return out;
    }
}
