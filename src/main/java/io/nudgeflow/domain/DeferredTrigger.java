package io.nudgeflow.domain;

import java.util.Map;

/**
 * A trigger that fell into quiet hours, waiting in the user's state until {@code deferTo}. An event that
 * removes its reason before then (the user became active, purchased, ...) cancels it.
 *
 * @param dueAt when the rule originally fired
 * @param group the group the rule fired for, or null
 */
public record DeferredTrigger(String ruleId, long dueAt, long deferTo, String causeEventId, String group,
        Map<String, String> variables) {}
