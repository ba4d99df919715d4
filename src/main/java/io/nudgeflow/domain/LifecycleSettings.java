package io.nudgeflow.domain;

import java.io.Serializable;
import java.time.Duration;

/** Thresholds of the lifecycle stages (SPEC section 3); the defaults are the spec's. */
public record LifecycleSettings(
        int windowDays,
        int casualMinActiveDays,
        int activeMinActiveDays,
        int highlyActiveMinActiveDays,
        Duration atRiskAfter,
        Duration dormantAfter,
        Duration churnedAfter,
        Duration returningFor) implements Serializable {

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(28, 1, 4, 12,
                Duration.ofHours(72), Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(7));
    }
}
