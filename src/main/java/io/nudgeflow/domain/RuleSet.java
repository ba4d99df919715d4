package io.nudgeflow.domain;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A validated, versioned rule set: what counts as activity, the lifecycle thresholds, the onboarding
 * checklist and the rules. Built once at start-up (see {@code io.nudgeflow.rules.RuleSetParser}); the
 * engine never parses anything per event.
 *
 * @param version recorded on every trigger as {@code rule_set_version}
 * @param dedupWindow an event id seen for the user within this span of event time is ignored
 * @param lateTolerance events older than the user's newest by more than this update counters only
 * @param guardrails frequency cap, quiet hours, staleness, consent and erasure events
 */
public record RuleSet(
        String version,
        Set<String> activeEvents,
        OnboardingSettings onboarding,
        LifecycleSettings lifecycle,
        Duration dedupWindow,
        Duration lateTolerance,
        Guardrails guardrails,
        List<Rule> rules) implements Serializable {

    public RuleSet {
        activeEvents = Set.copyOf(activeEvents);
        rules = List.copyOf(rules);
    }

    public boolean isActive(String eventType) {
        return activeEvents.contains(eventType);
    }
}
