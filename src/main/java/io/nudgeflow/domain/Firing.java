package io.nudgeflow.domain;

import java.util.Map;

/**
 * A rule's decision to fire: the template variables, and the group it fired for (the property value a
 * rule is grouped by, e.g. the feature of feature_hesitation), which later events can cancel by.
 */
public record Firing(Map<String, String> variables, String group) {
    public static final Firing PLAIN = new Firing(Map.of(), null);

    public static Firing of(Map<String, String> variables) {
        return new Firing(variables, null);
    }
}
