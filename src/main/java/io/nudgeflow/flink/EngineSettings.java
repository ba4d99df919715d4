package io.nudgeflow.flink;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.io.EventValidator;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the operators need besides their input.
 *
 * @param timeline the rule sets to start with: live, the {@code --rules} file and what the rules topic held at
 *     submission; in replay, the rule history (a restored job resumes its own timeline instead)
 * @param clock wall clock to engine clock (identity outside the demo); used for the future-time check
 * @param stateRetention drop a user's state after this long without a write; null keeps it
 * @param stateCacheUsers how many active users' decoded states each engine instance keeps in memory
 *     (0: read the state backend on every event)
 * @param stateCachePendingWrites how many of those may have changes not yet written to the state backend
 *     (0: write every change at once); the checkpoint writes them, holding up records meanwhile
 * @param timerRecheckSlice after a rule switch every user's timer is checked again, in turns of this much work
 *     with as long a pause for records after each, so the stream is not held up (a day: all at once)
 */
public record EngineSettings(RulesTimeline timeline, TimeMode timeMode, EventValidator validator, ClockScale clock,
        Duration stateRetention, int stateCacheUsers, int stateCachePendingWrites, Duration timerRecheckSlice)
        implements Serializable {

    /**
     * 5 ms of checks, then 5 ms for records: at most ~5 ms added to an event's latency, the check at half speed
     * (1 M users whose timers all move: ~30 s on 2 cores, benchmarks). In chunks of a fixed 500 users instead,
     * the next chunk's turn came before the records and the stream stalled for seconds.
     */
    public static final Duration DEFAULT_TIMER_RECHECK_SLICE = Duration.ofMillis(5);

    /**
     * An active user's decoded state is 0.8-1.9 KB on the heap (measured with 1 to 64 recent event ids), so
     * the default costs at most ~38 MB per parallel instance.
     */
    public static final int DEFAULT_STATE_CACHE_USERS = 20_000;
    /**
     * Writing 20,000 pending changes back took ~300 ms at a checkpoint, the records meanwhile waiting
     * (benchmarks, 10k events/s); 1,000 took 18-82 ms.
     */
    public static final int DEFAULT_STATE_CACHE_PENDING_WRITES = 1_000;

    public EngineSettings {
        if (timerRecheckSlice.isNegative()) {
            throw new IllegalArgumentException("the timer recheck slice must be >= 0, was " + timerRecheckSlice);
        }
        if (stateCacheUsers < 0 || stateCachePendingWrites < 0) {
            throw new IllegalArgumentException("state cache sizes must be >= 0, were " + stateCacheUsers + ", "
                    + stateCachePendingWrites);
        }
    }

    /** The newest rule set of the timeline. */
    public RuleSet rules() {
        return timeline.latest().rules();
    }

    public static EngineSettings live(RuleSet rules, ClockScale clock, Duration stateRetention) {
        return live(RulesTimeline.of(rules), clock, stateRetention);
    }

    public static EngineSettings live(RulesTimeline rules, ClockScale clock, Duration stateRetention) {
        return new EngineSettings(rules, new TimeMode.Live(clock), EventValidator.live(Duration.ofHours(1)), clock,
                stateRetention, DEFAULT_STATE_CACHE_USERS, DEFAULT_STATE_CACHE_PENDING_WRITES, DEFAULT_TIMER_RECHECK_SLICE);
    }

    /**
     * Replay has no one waiting for a record, so every cached change may wait for the write-back: in the
     * operator benchmark at 10k users, 2.3-2.5 µs per event against 7.6-8.6 µs writing every change.
     */
    public static EngineSettings replay(RuleSet rules, long until) {
        return replay(RulesTimeline.of(rules), until);
    }

    public static EngineSettings replay(RulesTimeline rules, long until) {
        return new EngineSettings(rules, new TimeMode.Replay(until), EventValidator.replay(), ClockScale.REAL, null,
                DEFAULT_STATE_CACHE_USERS, DEFAULT_STATE_CACHE_USERS, DEFAULT_TIMER_RECHECK_SLICE);
    }

    /**
     * Live time with these input settings: how long deadlines wait for events that reach Kafka late, and how
     * often the source asks Kafka whether it has read everything ({@link TimeMode.Live}).
     */
    public EngineSettings withLiveInput(Duration maxEventDelay, Duration inputProbeInterval) {
        if (!(timeMode instanceof TimeMode.Live live)) {
            throw new IllegalStateException("input settings are for live time, this is " + timeMode);
        }
        return new EngineSettings(timeline, new TimeMode.Live(live.clock(), maxEventDelay, inputProbeInterval), validator,
                clock, stateRetention, stateCacheUsers, stateCachePendingWrites, timerRecheckSlice);
    }

    public EngineSettings withStateCache(int users, int pendingWrites) {
        return new EngineSettings(timeline, timeMode, validator, clock, stateRetention, users, pendingWrites, timerRecheckSlice);
    }

    public EngineSettings withTimerRecheckSlice(Duration slice) {
        return new EngineSettings(timeline, timeMode, validator, clock, stateRetention, stateCacheUsers,
                stateCachePendingWrites, slice);
    }

    public EngineSettings withTimeline(RulesTimeline rules) {
        return new EngineSettings(rules, timeMode, validator, clock, stateRetention, stateCacheUsers,
                stateCachePendingWrites, timerRecheckSlice);
    }
}
