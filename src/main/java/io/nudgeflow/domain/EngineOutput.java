package io.nudgeflow.domain;

/** Where the engine puts what it decides; the Flink operator emits, tests collect. */
public interface EngineOutput {
    void trigger(FiredTrigger trigger);

    void stageChange(StageChange change);

    /** A followed trigger's window closed: its goal happened, or the window ended. */
    void outcome(Outcome outcome);

    /** A trigger fell into quiet hours and waits in the user's state until {@code deferred.deferTo()}. */
    default void deferred(String userId, DeferredTrigger deferred) {}

    /** An event removed the reason of a trigger waiting for the end of quiet hours: it will not be sent. */
    default void deferredCancelled(String userId, DeferredTrigger deferred, Event by) {}

    /** The event's id was already seen for this user within the dedup window; it was ignored. */
    default void duplicateIgnored(Event event) {}

    /** Older than the user's newest event by more than the late tolerance: counters only. */
    default void lateBeyondTolerance(Event event) {}

    /**
     * The event happened before a deadline of its user that already fired (it reached the job after the
     * job's time had passed it): applied like any event, but what fired stands.
     */
    default void lateAfterDeadline(Event event) {}

    /**
     * The user's remembered event ids reached their hard bound ({@code RecentIds.MAX} within the dedup window):
     * the oldest was forgotten to remember this event's.
     */
    default void recentIdForgotten(Event event) {}

    /**
     * A trigger deferred by quiet hours will not be sent: the same rule (and group) already waited for the same
     * release and the newer reason of the two was kept ({@code replaced}), or {@code UserState.MAX_DEFERRED}
     * were waiting and the oldest reason was dropped.
     */
    default void deferredTriggerDiscarded(String userId, String ruleId, boolean replaced) {}

    /** The user asked to be forgotten: all of their state is gone. */
    default void erased(Event event) {}
}
