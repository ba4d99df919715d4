package io.nudgeflow.flink;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import java.io.Serializable;
import org.apache.flink.streaming.api.TimerService;

/**
 * How deadlines meet time. Live: processing-time timers, so a deadline fires by the wall clock even
 * when no events arrive. Replay: event-time timers that fire when the input ends, for deadlines up to
 * {@code until}; deadlines before a user's next event are fired by the engine itself on that event.
 */
public sealed interface TimeMode extends Serializable {

    /** The instant the engine may advance to when the timer at {@code timerTimestamp} fires. */
    long advanceTarget(TimerService timers, long timerTimestamp);

    /** The wall clock for the staleness guardrail; {@code UserEngine.NO_WALL_CLOCK} in replay. */
    long wallNow(TimerService timers);

    /** What {@code emitted_at} says for an output decided at event time {@code decidedAt}. */
    long emittedAt(TimerService timers, long decidedAt);

    /** Moves the user's one timer as the engine says. */
    default void apply(TimerService timers, UserEngine.TimerMove move) {
        if (move.cancel() != UserState.NONE) {
            delete(timers, move.cancel());
        }
        if (move.set() != UserState.NONE) {
            register(timers, move.set());
        }
    }

    void register(TimerService timers, long deadline);

    void delete(TimerService timers, long deadline);

    record Live(ClockScale clock) implements TimeMode {
        @Override
        public long advanceTarget(TimerService timers, long timerTimestamp) {
            return clock.toSim(Math.max(timerTimestamp, timers.currentProcessingTime()));
        }

        @Override
        public long wallNow(TimerService timers) {
            return clock.toSim(timers.currentProcessingTime());
        }

        @Override
        public long emittedAt(TimerService timers, long decidedAt) {
            return wallNow(timers);
        }

        @Override
        public void register(TimerService timers, long deadline) {
            timers.registerProcessingTimeTimer(clock.toWall(deadline));
        }

        @Override
        public void delete(TimerService timers, long deadline) {
            timers.deleteProcessingTimeTimer(clock.toWall(deadline));
        }
    }

    /** @param until deadlines after this instant never fire */
    record Replay(long until) implements TimeMode {
        @Override
        public long advanceTarget(TimerService timers, long timerTimestamp) {
            return timerTimestamp;
        }

        @Override
        public long wallNow(TimerService timers) {
            return UserEngine.NO_WALL_CLOCK;
        }

        /** The simulated clock: byte-identical output across runs. */
        @Override
        public long emittedAt(TimerService timers, long decidedAt) {
            return decidedAt;
        }

        @Override
        public void register(TimerService timers, long deadline) {
            if (deadline <= until) {
                timers.registerEventTimeTimer(deadline);
            }
        }

        @Override
        public void delete(TimerService timers, long deadline) {
            if (deadline <= until) {
                timers.deleteEventTimeTimer(deadline);
            }
        }
    }
}
