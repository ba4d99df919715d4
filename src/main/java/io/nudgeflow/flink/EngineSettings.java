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
 * @param timerRecheckChunk after a rule switch every user's timer is checked again, this many users at a time
 *     between records, so the stream is not held up ({@link Integer#MAX_VALUE}: all at once)
 */
public record EngineSettings(RulesTimeline timeline, TimeMode timeMode, EventValidator validator, ClockScale clock,
        Duration stateRetention, int stateCacheUsers, int stateCachePendingWrites, int timerRecheckChunk)
        implements Serializable {

    /** About 2-4 ms of work between records (a user's check reads and decodes their state: 4-8 µs). */
    public static final int DEFAULT_TIMER_RECHECK_CHUNK = 500;

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
        if (timerRecheckChunk < 1) {
            throw new IllegalArgumentException("the timer recheck chunk must be >= 1, was " + timerRecheckChunk);
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
                stateRetention, DEFAULT_STATE_CACHE_USERS, DEFAULT_STATE_CACHE_PENDING_WRITES, DEFAULT_TIMER_RECHECK_CHUNK);
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
                DEFAULT_STATE_CACHE_USERS, DEFAULT_STATE_CACHE_USERS, DEFAULT_TIMER_RECHECK_CHUNK);
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
                clock, stateRetention, stateCacheUsers, stateCachePendingWrites, timerRecheckChunk);
    }

    public EngineSettings withStateCache(int users, int pendingWrites) {
        return new EngineSettings(timeline, timeMode, validator, clock, stateRetention, users, pendingWrites, timerRecheckChunk);
    }

    public EngineSettings withTimerRecheckChunk(int users) {
        return new EngineSettings(timeline, timeMode, validator, clock, stateRetention, stateCacheUsers,
                stateCachePendingWrites, users);
    }

    public EngineSettings withTimeline(RulesTimeline rules) {
        return new EngineSettings(rules, timeMode, validator, clock, stateRetention, stateCacheUsers,
                stateCachePendingWrites, timerRecheckChunk);
    }
}
