package io.nudgeflow.domain;

import java.util.List;

/**
 * A trigger the engine is following in the user's state until its goal happens or its window ends
 * ({@link UserState#outcomes}). Self-contained: it keeps its goal, so a rule removed or changed later still
 * has its triggers measured by what they were sent for.
 *
 * @param suppressedReason null for a trigger sent (or, live, decided too late and STALE: followed as replay sent
 *     it, so the state stays replay's); HOLDOUT for one held back
 * @param goalEvents the goal's event types; empty: any active event
 */
public record OpenOutcome(String triggerId, String ruleId, String variant, String suppressedReason, long fireTime,
        long windowEnd, String ruleSetVersion, List<String> goalEvents) {

    public OpenOutcome {
        goalEvents = List.copyOf(goalEvents);
    }

    Outcome converted(String userId, long at, String eventId) {
        return new Outcome(triggerId, userId, ruleId, variant, suppressedReason, fireTime, windowEnd, true, at, eventId,
                Outcome.End.GOAL_REACHED, ruleSetVersion, at);
    }

    /** @param at the user's instant the window closed at */
    Outcome notConverted(String userId, Outcome.End end, long at) {
        return new Outcome(triggerId, userId, ruleId, variant, suppressedReason, fireTime, windowEnd, false, UserState.NONE,
                null, end, ruleSetVersion, at);
    }
}
