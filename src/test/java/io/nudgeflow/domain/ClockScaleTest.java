package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClockScaleTest {
    @Test
    void realTimeIsTheIdentity() {
        assertThat(ClockScale.REAL.toSim(1234)).isEqualTo(1234);
        assertThat(ClockScale.REAL.toWall(1234)).isEqualTo(1234);
    }

    @Test
    void aTimerSetForASimulatedInstantNeverFiresBeforeIt() {
        ClockScale demo = ClockScale.compressed(1_000_000, 5_000, 57_600);
        for (long sim = 1_000_000; sim < 1_000_000 + 10 * 57_600; sim += 7_919) {
            long wall = demo.toWall(sim);
            assertThat(demo.toSim(wall)).isGreaterThanOrEqualTo(sim);
            assertThat(demo.toSim(wall - 1)).isLessThan(sim);
        }
    }
}
