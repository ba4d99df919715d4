package io.nudgeflow.bench;

import java.util.List;

/** How big each stage is: the full report (about 15 minutes on 2 cores) or a smoke run (about a minute). */
record Settings(
        boolean smoke,
        int users,
        double probeShare,
        long throughputEvents,
        int throughputRounds,
        double warmupSeconds,
        double measureSeconds,
        List<Integer> fixedRates,
        int deadlineSeeds,
        double deadlineSeconds,
        int deadlineBackgroundRate,
        List<Integer> stateScales,
        int perEventSample,
        int jmhSeconds,
        int ruleSwitchUsers,
        int ruleSwitchRate,
        int ruleSwitchSeconds) {

    /**
     * The measured latency window is as long as the checkpoint interval (30 s, {@link Jobs}): every job's
     * tail then includes exactly one checkpoint instead of one or none by chance.
     */
    static Settings forReport() {
        return new Settings(false, 100_000, 0.1, 1_000_000, 3, 15, 30, List.of(1_000, 10_000),
                3_000, 15, 2_000, List.of(10_000, 1_000_000, 10_000_000), 200_000, 3, 1_000_000, 2_000, 45);
    }

    static Settings forSmokeRun() {
        return new Settings(true, 2_000, 0.1, 20_000, 1, 1, 2, List.of(500),
                50, 2, 200, List.of(10_000), 5_000, 1, 5_000, 300, 6);
    }
}
