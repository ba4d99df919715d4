package io.nudgeflow.domain;

import java.math.BigDecimal;

/** Numbers as attributes: {@code 59.9}, {@code 100}, never {@code 59.900000001} or {@code 1.0E2}. */
final class Values {
    private Values() {}

    static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
