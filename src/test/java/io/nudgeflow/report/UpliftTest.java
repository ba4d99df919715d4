package io.nudgeflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class UpliftTest {

    @Test
    void matchesNewcombesPublishedExamples() {
        // Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10
        Uplift a = Uplift.of(56, 70, 48, 80);
        assertThat(a.difference()).isCloseTo(0.2, within(1e-12));
        assertThat(a.low()).isCloseTo(0.0524, within(5e-5));
        assertThat(a.high()).isCloseTo(0.3339, within(5e-5));

        Uplift b = Uplift.of(9, 10, 3, 10);
        assertThat(b.low()).isCloseTo(0.1705, within(5e-5));
        assertThat(b.high()).isCloseTo(0.8090, within(5e-5));
    }

    @Test
    void noRateWithoutAGroup() {
        assertThat(Uplift.of(1, 0, 1, 2)).isNull();
        assertThat(Uplift.of(1, 2, 0, 0)).isNull();
    }

    @Property(tries = 300)
    void theIntervalHoldsTheDifferenceAndStaysWithinMinusOneToOne(@ForAll @IntRange(min = 1, max = 400) int n1,
            @ForAll @IntRange(min = 0, max = 400) int x1, @ForAll @IntRange(min = 1, max = 400) int n0,
            @ForAll @IntRange(min = 0, max = 400) int x0) {
        Uplift u = Uplift.of(Math.min(x1, n1), n1, Math.min(x0, n0), n0);
        assertThat(u.low()).isBetween(-1.0, u.difference());
        assertThat(u.high()).isBetween(u.difference(), 1.0);
    }
}
