package io.nudgeflow.flink;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.io.EventValidator;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the operators need besides their input.
 *
 * @param clock wall clock to engine clock (identity outside the demo); used for the future-time check
 * @param stateRetention drop a user's state after this long without a write; null keeps it
 */
public record EngineSettings(RuleSet rules, TimeMode timeMode, EventValidator validator, ClockScale clock,
        Duration stateRetention) implements Serializable {

    public static EngineSettings live(RuleSet rules, ClockScale clock, Duration stateRetention) {
        return new EngineSettings(rules, new TimeMode.Live(clock), EventValidator.live(Duration.ofHours(1)), clock, stateRetention);
    }

    public static EngineSettings replay(RuleSet rules, long until) {
        return new EngineSettings(rules, new TimeMode.Replay(until), EventValidator.replay(), ClockScale.REAL, null);
    }
}
