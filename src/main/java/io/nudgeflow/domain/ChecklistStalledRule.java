package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Fires {@code after} the onboarding clock started (signup or first sighting) if the checklist is incomplete;
 * at most once per user. When a late first signup puts that instant behind the user's clock, it fires at once.
 */
public record ChecklistStalledRule(RuleHeader header, Duration after) implements Rule {

    @Override
    public Set<String> variables() {
        return Set.of("next_step");
    }

    @Override
    public long nextDeadline(UserState user, RuleSet rules) {
        if (user.checklistDone == rules.onboarding().completeMask() || user.hasFlag(UserState.FLAG_ONBOARDING_NUDGED)) {
            return UserState.NONE;
        }
        long due = user.onboardingStart + after.toMillis();
        return due > user.clock ? due : UserState.NONE;
    }

    @Override
    public Firing atDeadline(UserState user, long at, RuleSet rules) {
        user.setFlag(UserState.FLAG_ONBOARDING_NUDGED);
        return Firing.of(Map.of("next_step", rules.onboarding().nextStep(user.checklistDone)));
    }

    /** A late first signup whose deadline is already behind the user's clock: at once, at the user's clock. */
    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        if (!facts.onboardingRestarted() || user.checklistDone == rules.onboarding().completeMask()
                || user.hasFlag(UserState.FLAG_ONBOARDING_NUDGED) || user.onboardingStart + after.toMillis() > user.clock) {
            return null;
        }
        user.setFlag(UserState.FLAG_ONBOARDING_NUDGED);
        return new Firing(Map.of("next_step", rules.onboarding().nextStep(user.checklistDone)), null, facts.userNow());
    }

    /** The signup moves the clock whatever its lateness. */
    @Override
    public boolean appliesToLateEvents() {
        return true;
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        return user.checklistDone == rules.onboarding().completeMask();
    }
}
