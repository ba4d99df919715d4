package io.nudgeflow.domain;

/**
 * What became of one trigger (sent, or held back as HOLDOUT): whether its rule's goal happened within the
 * window. One per trigger, with the trigger's id, so a redelivery or a replay writes the same record.
 *
 * @param variant the experiment arm, null for none or for the holdout
 * @param suppressedReason null (sent; live, also a STALE one, as replay sent it) or HOLDOUT (the control group)
 * @param convertedAt the goal event's time, {@link UserState#NONE} when not converted
 * @param convertingEventId the goal event, or null
 * @param decidedAt the user's instant at which the window closed: the goal event's time, the window's end, or (closed
 *     early) the fire time of the trigger that needed its place
 */
public record Outcome(String triggerId, String userId, String ruleId, String variant, String suppressedReason,
        long fireTime, long windowEnd, boolean converted, long convertedAt, String convertingEventId, End end,
        String ruleSetVersion, long decidedAt) {

    /** How the window closed. */
    public enum End {
        /** A goal event came within the window. */
        GOAL_REACHED,
        /** The window ended without one. */
        WINDOW_ENDED,
        /**
         * The user had {@link UserState#MAX_OPEN_OUTCOMES} windows open: the one ending soonest was closed early,
         * not converted, to follow the new trigger.
         */
        TOO_MANY_OPEN
    }

    public boolean holdout() {
        return "HOLDOUT".equals(suppressedReason);
    }

    /** Milliseconds from the trigger to its goal, or null when not converted. */
    public Long timeToConvertMs() {
        return converted ? convertedAt - fireTime : null;
    }
}
