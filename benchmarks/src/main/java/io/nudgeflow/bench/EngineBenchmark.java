package io.nudgeflow.bench;

import io.nudgeflow.domain.EngineOutput;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import io.nudgeflow.domain.UserStateCodec;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The domain core per event, as the operator drives it: decode the user's state, apply the event with all
 * default rules and guardrails, encode the state. One thread: events per second per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {
    private static final int USERS = 100_000;
    private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final String[] TYPES = {"lesson_completed", "app_open", "lesson_completed", "screen_view",
            "quiz_failed", "add_to_cart", "purchase", "feature_viewed"};

    private UserEngine engine;
    private byte[][] states;
    private int[] users;
    private long n;
    private final EngineOutput discard = new EngineOutput() {
        @Override
        public void trigger(FiredTrigger trigger) {}

        @Override

        public void outcome(io.nudgeflow.domain.Outcome outcome) {}


        @Override
        public void stageChange(StageChange change) {}
    };

    @Setup
    public void setUp() {
        engine = new UserEngine(BenchRules.load());
        states = new byte[USERS][];
        Workload workload = new Workload(USERS, 0, 5);
        users = new int[1 << 20];
        for (int i = 0; i < users.length; i++) {
            users[i] = workload.nextUser();
        }
    }

    @Benchmark
    public int onEvent() {
        long i = n++;
        int user = users[(int) (i & (users.length - 1))];
        Event event = new Event("e" + i, "user-" + user, TYPES[(int) (i % TYPES.length)], T0 + i * 20, Workload.zoneOf(user),
                null, Map.of());
        byte[] before = states[user];
        UserState state = engine.onEvent(before == null ? null : UserStateCodec.decode(before), event,
                UserEngine.NO_WALL_CLOCK, discard);
        byte[] after = UserStateCodec.encode(state);
        states[user] = after;
        return after.length;
    }
}
