package io.nudgeflow.flink;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.streaming.api.TimerService;

/**
 * How deadlines meet time. In both modes a user's one timer is an event-time timer: it fires once the
 * job's watermark — how far the input has been read — passes it, never because the wall clock has. What
 * differs is where the watermark comes from and what the wall clock is still asked.
 *
 * <p>Live: the Kafka source's watermark ({@code io.nudgeflow.progress}) follows the events read and, while
 * every partition is read to its end, the wall clock; the wall clock also stamps {@code emitted_at} and
 * decides staleness. Replay: the watermark at the end of input fires the deadlines up to {@code until};
 * {@code emitted_at} is the simulated clock.
 */
public sealed interface TimeMode extends Serializable {

    /** The wall clock for the staleness guardrail; {@code UserEngine.NO_WALL_CLOCK} in replay. */
    long wallNow(TimerService timers);

    /** What {@code emitted_at} says for an output decided at event time {@code decidedAt}. */
    long emittedAt(TimerService timers, long decidedAt);

    /** Whether a timer at {@code timestamp} whose watermark has come may fire now. */
    boolean mayFire(TimerService timers, long timestamp);

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

    /**
     * @param clock wall clock to engine clock (identity outside the demo)
     * @param maxEventDelay how long the source's watermark waits behind the newest event time read (and
     *     behind the wall clock once caught up) for events that reach Kafka late; deadlines fire that much later
     * @param inputProbeInterval how often the source asks Kafka for its partitions' end offsets, to learn that it
     *     has read everything (then the watermark follows the wall clock)
     */
    record Live(ClockScale clock, Duration maxEventDelay, Duration inputProbeInterval) implements TimeMode {
        public static final Duration DEFAULT_MAX_EVENT_DELAY = Duration.ZERO;
        public static final Duration DEFAULT_INPUT_PROBE_INTERVAL = Duration.ofMillis(5);

        public Live {
            if (maxEventDelay.isNegative() || inputProbeInterval.isNegative() || inputProbeInterval.isZero()) {
                throw new IllegalArgumentException("max event delay must be >= 0 and the probe interval > 0, were "
                        + maxEventDelay + ", " + inputProbeInterval);
            }
        }

        public Live(ClockScale clock) {
            this(clock, DEFAULT_MAX_EVENT_DELAY, DEFAULT_INPUT_PROBE_INTERVAL);
        }

        @Override
        public long wallNow(TimerService timers) {
            return clock.toSim(timers.currentProcessingTime());
        }

        @Override
        public long emittedAt(TimerService timers, long decidedAt) {
            return wallNow(timers);
        }

        /**
         * The source's watermark never passes the wall clock; only the final one at the end of a bounded input
         * does, and deadlines still ahead then do not fire (the input has ended, time has not).
         */
        @Override
        public boolean mayFire(TimerService timers, long timestamp) {
            return timestamp <= wallNow(timers);
        }

        @Override
        public void register(TimerService timers, long deadline) {
            timers.registerEventTimeTimer(deadline);
        }

        @Override
        public void delete(TimerService timers, long deadline) {
            timers.deleteEventTimeTimer(deadline);
        }
    }

    /** @param until deadlines after this instant never fire */
    record Replay(long until) implements TimeMode {
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
        public boolean mayFire(TimerService timers, long timestamp) {
            return true;
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
