package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Fires {@code after} the onboarding clock started (signup or first sighting) if the checklist is incomplete. */
public record ChecklistStalledRule(String id, TriggerKind kind, Duration after, AttributeTemplate attributes) implements Rule {

    @Override
    public Set<String> variables() {
        return Set.of("next_step");
    }

    @Override
    public long nextDeadline(UserState user, RuleSet rules) {
        if (user.checklistDone == rules.onboarding().completeMask()) {
            return UserState.NONE;
        }
        long due = user.onboardingStart + after.toMillis();
        return due > user.clock ? due : UserState.NONE;
    }

    @Override
    public Map<String, String> deadlineVariables(UserState user, long at, RuleSet rules) {
        return Map.of("next_step", rules.onboarding().nextStep(user.checklistDone));
    }
}
