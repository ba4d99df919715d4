package io.nudgeflow.domain;

import java.util.Map;

/**
 * A rule's decision to fire: the template variables, and the group it fired for (the property value a
 * rule is grouped by, e.g. the feature of feature_hesitation), which later events can cancel by.
 *
 * @param at when it fires, if not at the event's time ({@link UserState#NONE}): a deadline that a late event
 *     put behind the user's clock fires at once, at the user's clock
 */
public record Firing(Map<String, String> variables, String group, long at) {
    public static final Firing PLAIN = new Firing(Map.of(), null);

    public Firing(Map<String, String> variables, String group) {
        this(variables, group, UserState.NONE);
    }

    public static Firing of(Map<String, String> variables) {
        return new Firing(variables, null);
    }
}
