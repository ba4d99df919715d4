package io.nudgeflow.domain;

import java.io.Serializable;
import java.time.Duration;

/**
 * What every rule has, whatever its type.
 *
 * @param cooldown after the rule fires for a user it stays silent for them this long; null for none
 * @param experiment variants and holdout; null when the rule runs no experiment
 * @param goal what counts as success after its trigger, and within how long; null: outcomes not followed
 */
public record RuleHeader(String id, TriggerKind kind, AttributeTemplate attributes, Duration cooldown,
        Experiment experiment, Goal goal) implements Serializable {

    /** A rule without cooldown, experiment or goal (tests, benchmarks). */
    public static RuleHeader of(String id, TriggerKind kind, AttributeTemplate attributes) {
        return new RuleHeader(id, kind, attributes, null, null, null);
    }

    public RuleHeader withGoal(Goal goal) {
        return new RuleHeader(id, kind, attributes, cooldown, experiment, goal);
    }
}
