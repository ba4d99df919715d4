package io.nudgeflow.domain;

/**
 * What applying one event changed, for event-driven rules.
 *
 * @param active the event type is in the rule set's active list
 * @param withinTolerance not older than the user's newest event by more than the late tolerance
 * @param checklistCompleted this event completed the onboarding checklist
 * @param onboardingRestarted this event (the first start event) moved the onboarding clock
 * @param streakReachedBefore when the event made a new active day: the longest run it joined or extended, as
 *     it was — every streak length up to it has been celebrated already; else 0
 * @param streakAfter when the event made a new active day: the run of consecutive days it is now part of; else 0
 * @param countBefore count of events of this type before it (when the rule set counts the type)
 * @param sumBefore cumulative value of this type in hundredths before it (when the rule set sums the type)
 * @param userNow the user's clock after the event: its newest event, or the deadline last reached if later
 */
public record EventFacts(Event event, boolean active, boolean withinTolerance, boolean checklistCompleted,
        boolean onboardingRestarted, int streakReachedBefore, int streakAfter, long countBefore, long countAfter,
        long sumBefore, long sumAfter, long userNow) {

    boolean is(String eventType) {
        return event.type().equals(eventType);
    }
}
