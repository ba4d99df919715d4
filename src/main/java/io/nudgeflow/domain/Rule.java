package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * One rule of a rule set: an id, a kind, parameters and an attributes template. Each rule type decides
 * <em>when</em> it fires from the user's state; the engine does the rest (ids, stage, outputs). A deadline
 * type answers {@link #nextDeadline}; an event type answers {@link #firesOn}.
 */
public sealed interface Rule extends Serializable
        permits InactivityRule, ChecklistCompletedRule, ChecklistStalledRule {

    String id();

    TriggerKind kind();

    AttributeTemplate attributes();

    /** The placeholders this rule type can fill in its attributes. */
    Set<String> variables();

    /**
     * The instant strictly after the user's clock at which this rule is next due, or {@link UserState#NONE}.
     * Deadlines are derived from state, never stored, so a rule fires exactly once per crossing.
     */
    default long nextDeadline(UserState user, RuleSet rules) {
        return UserState.NONE;
    }

    /** The template variables when the rule fires at its deadline {@code at}. */
    default Map<String, String> deadlineVariables(UserState user, long at, RuleSet rules) {
        return Map.of();
    }

    /** The template variables if the rule fires on the event just applied, else null. */
    default Map<String, String> firesOn(EventFacts facts, UserState user, RuleSet rules) {
        return null;
    }
}
