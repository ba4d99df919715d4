package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.Set;

/**
 * One rule of a rule set: a {@link RuleHeader} (id, kind, attributes, cooldown, experiment) and the
 * parameters of its type. Each type decides <em>when</em> it fires from the user's state; the engine does
 * the rest (guardrails, ids, stage, outputs). A deadline type answers {@link #nextDeadline} and
 * {@link #atDeadline}; an event type answers {@link #onEvent}.
 */
public sealed interface Rule extends Serializable
        permits InactivityRule, ChecklistCompletedRule, ChecklistStalledRule, StreakRule, StreakAtRiskRule,
                CountRule, CumulativeValueRule, RepeatedWithoutRule, NotFollowedRule, OnEventRule {

    RuleHeader header();

    default String id() {
        return header().id();
    }

    default TriggerKind kind() {
        return header().kind();
    }

    default AttributeTemplate attributes() {
        return header().attributes();
    }

    /** The placeholders this rule type can fill in its attributes. */
    Set<String> variables();

    /** Whether {@link #onEvent} also sees events older than the late tolerance (which update counters only). */
    default boolean appliesToLateEvents() {
        return false;
    }

    /** The event types whose count ({@code count:TYPE}) the engine must keep for this rule. */
    default String countedEvent() {
        return null;
    }

    /** The event type whose value the engine must sum ({@code sum:TYPE}) for this rule. */
    default String summedEvent() {
        return null;
    }

    /** The memory slots of this rule alone (besides counters, sums and cooldown): they go when the rule is removed. */
    default Set<Integer> ownMemoryKeys() {
        return Set.of();
    }

    /**
     * The instant strictly after the user's clock at which this rule is next due, or {@link UserState#NONE}.
     * Deadlines are derived from state, never stored, so a rule fires exactly once per crossing.
     */
    default long nextDeadline(UserState user, RuleSet rules) {
        return UserState.NONE;
    }

    /** Called when the user's clock reaches this rule's deadline; returns the firing, or null. */
    default Firing atDeadline(UserState user, long at, RuleSet rules) {
        return null;
    }

    /** Called after an event was applied; may update the rule's memory; returns the firing, or null. */
    default Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        return null;
    }

    /** Whether this event removes the reason of a trigger of this rule deferred by quiet hours. */
    default boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        return false;
    }
}
