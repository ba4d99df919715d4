package io.nudgeflow.domain;

/**
 * What applying one event changed, for event-driven rules.
 *
 * @param active the event type is in the rule set's active list
 * @param withinTolerance not older than the user's newest event by more than the late tolerance
 * @param checklistCompleted this event completed the onboarding checklist
 */
public record EventFacts(Event event, boolean active, boolean withinTolerance, boolean checklistCompleted) {}
