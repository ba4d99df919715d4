package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Fires {@code after} the onboarding clock started (signup or first sighting) if the checklist is incomplete. */
public record ChecklistStalledRule(RuleHeader header, Duration after) implements Rule {

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
    public Firing atDeadline(UserState user, long at, RuleSet rules) {
        return Firing.of(Map.of("next_step", rules.onboarding().nextStep(user.checklistDone)));
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        return user.checklistDone == rules.onboarding().completeMask();
    }
}
