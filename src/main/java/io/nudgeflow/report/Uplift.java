package io.nudgeflow.report;

/**
 * The difference of two conversion rates (an arm's minus the holdout's) with its 95 % confidence interval by
 * Newcombe's hybrid score method (Newcombe 1998, method 10): Wilson score intervals of each rate, combined. Unlike
 * the Wald interval it stays inside [-1, 1] and keeps its coverage for small groups and rates near 0 or 1.
 *
 * @param difference rate of the arm minus rate of the holdout, in [-1, 1]
 */
public record Uplift(double difference, double low, double high) {
    private static final double Z = 1.959963984540054; // the 97.5th percentile of the standard normal

    /** Null when either group is empty: no rate, no difference. */
    public static Uplift of(long converted, long total, long holdoutConverted, long holdoutTotal) {
        if (total == 0 || holdoutTotal == 0) {
            return null;
        }
        double p1 = (double) converted / total;
        double p0 = (double) holdoutConverted / holdoutTotal;
        double[] w1 = wilson(converted, total);
        double[] w0 = wilson(holdoutConverted, holdoutTotal);
        double d = p1 - p0;
        double low = d - Math.sqrt(square(p1 - w1[0]) + square(w0[1] - p0));
        double high = d + Math.sqrt(square(w1[1] - p1) + square(p0 - w0[0]));
        // rounding can put an interval at the edge a hair outside [-1, 1]
        return new Uplift(d, Math.max(-1, low), Math.min(1, high));
    }

    /** Whether the interval lies wholly above zero: the arm converts better than the holdout at 95 %. */
    public boolean significantlyPositive() {
        return low > 0;
    }

    /** The Wilson score interval {low, high} of x successes in n. */
    static double[] wilson(long x, long n) {
        double p = (double) x / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    private static double square(double x) {
        return x * x;
    }

    /** {@code +4.2 pp [+1.0, +7.5]}: percentage points. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%+.1f pp [%+.1f, %+.1f]", 100 * difference, 100 * low, 100 * high);
    }
}
