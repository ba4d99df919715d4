package io.nudgeflow.domain;

/**
 * What applying one event changed, for event-driven rules.
 *
 * @param active the event type is in the rule set's active list
 * @param withinTolerance not older than the user's newest event by more than the late tolerance
 * @param checklistCompleted this event completed the onboarding checklist
 * @param runBefore consecutive active local days ending at the newest active day, before the event
 * @param runAfter the same after the event (differs only when the event marked a new active day)
 * @param countBefore count of events of this type before it (when the rule set counts the type)
 * @param sumBefore cumulative value of this type in hundredths before it (when the rule set sums the type)
 */
public record EventFacts(Event event, boolean active, boolean withinTolerance, boolean checklistCompleted,
        int runBefore, int runAfter, long countBefore, long countAfter, long sumBefore, long sumAfter) {

    boolean is(String eventType) {
        return event.type().equals(eventType);
    }
}
