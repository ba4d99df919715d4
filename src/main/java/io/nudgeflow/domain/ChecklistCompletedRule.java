package io.nudgeflow.domain;

import java.util.Map;
import java.util.Set;

/** Fires on the event that completes the onboarding checklist. */
public record ChecklistCompletedRule(String id, TriggerKind kind, AttributeTemplate attributes) implements Rule {

    @Override
    public Set<String> variables() {
        return Set.of();
    }

    @Override
    public Map<String, String> firesOn(EventFacts facts, UserState user, RuleSet rules) {
        return facts.checklistCompleted() ? Map.of() : null;
    }
}
