package io.nudgeflow.domain;

import java.io.Serializable;

/**
 * Maps the wall clock to the clock the engine lives in. Production uses {@link #REAL} (the identity); the
 * demo compresses time ({@code speed} simulated ms per wall ms from a common origin) so a day of user life
 * passes in seconds with unchanged rules. {@code toSim(toWall(t)) >= t}, so a timer set for a simulated
 * instant never fires before it.
 */
public record ClockScale(long simOrigin, long wallOrigin, long speed) implements Serializable {
    public static final ClockScale REAL = new ClockScale(0, 0, 1);

    public static ClockScale compressed(long simOrigin, long wallOrigin, long speed) {
        if (speed < 1) {
            throw new IllegalArgumentException("speed must be >= 1");
        }
        return new ClockScale(simOrigin, wallOrigin, speed);
    }

    public long toSim(long wallMs) {
        return simOrigin + (wallMs - wallOrigin) * speed;
    }

    public long toWall(long simMs) {
        return wallOrigin + Math.floorDiv(simMs - simOrigin + speed - 1, speed);
    }
}
