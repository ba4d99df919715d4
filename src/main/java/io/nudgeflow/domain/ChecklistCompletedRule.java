package io.nudgeflow.domain;

import java.util.Set;

/** Fires on the event that completes the onboarding checklist. */
public record ChecklistCompletedRule(RuleHeader header) implements Rule {

    /** A counter keeps counting events that arrive late: SPEC section 6. */
    @Override
    public boolean appliesToLateEvents() {
        return true;
    }

    @Override
    public Set<String> variables() {
        return Set.of();
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        return facts.checklistCompleted() ? Firing.PLAIN : null;
    }
}
