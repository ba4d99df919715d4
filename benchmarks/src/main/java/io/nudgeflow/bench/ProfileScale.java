package io.nudgeflow.bench;

/** The per-event-cost stage alone, for a profiler: {@code ProfileScale 100000 50000}. */
public final class ProfileScale {
    private ProfileScale() {}

    public static void main(String[] args) throws Exception {
        StateScaleStage.run(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    }
}
