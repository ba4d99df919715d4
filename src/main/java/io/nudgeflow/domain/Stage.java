package io.nudgeflow.domain;

/** Lifecycle stages of SPEC section 3, in the order they appear there. */
public enum Stage {
    NEW,
    CASUAL,
    ACTIVE,
    HIGHLY_ACTIVE,
    AT_RISK,
    DORMANT,
    CHURNED,
    RETURNING;

    private static final Stage[] BY_ORDINAL = values();

    static Stage ofOrdinal(int ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
