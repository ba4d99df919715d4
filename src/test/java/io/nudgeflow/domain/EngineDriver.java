package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * The keyed operator's protocol with the engine, for one user, with a watermark instead of Flink's timer
 * service: the user's one timer is set and moved where {@link UserEngine#reschedule} says and fires once the
 * watermark passes it ({@link UserEngine#onTimer}); an erasure cancels it. Records what the user is told.
 */
public final class EngineDriver implements EngineOutput {
    private final UserEngine engine;
    private final String userId;
    public final List<Object> outputs = new ArrayList<>();
    private UserState state;
    private long timer = UserState.NONE;
    private long watermark = Long.MIN_VALUE;
    public int lateAfterDeadline;

    public EngineDriver(RuleSet rules, String userId) {
        this(RulesTimeline.of(rules), userId);
    }

    public EngineDriver(RulesTimeline rules, String userId) {
        this.engine = new UserEngine(rules);
        this.userId = userId;
    }

    /** A rule switch reaches the operator: the engine takes the timeline, the user's timer is checked again. */
    public void switchTo(RulesTimeline rules) {
        engine.switchTo(rules);
        if (state != null) {
            apply(engine.reschedule(state));
        }
    }

    public long timer() {
        return timer;
    }

    public UserState state() {
        return state;
    }

    public void event(Event e) {
        UserState before = state;
        state = engine.onEvent(before, e, UserEngine.NO_WALL_CLOCK, this);
        if (state == null) {
            apply(engine.forget(before));
        } else {
            apply(engine.reschedule(state));
        }
    }

    /** Flink's event-time timer service: every timer at or before the watermark fires, new ones too. */
    public void watermark(long w) {
        watermark = Math.max(watermark, w);
        while (state != null && timer != UserState.NONE && timer <= watermark) {
            long at = timer;
            timer = UserState.NONE;
            engine.onTimer(state, userId, at, UserEngine.NO_WALL_CLOCK, this);
            apply(engine.reschedule(state));
        }
    }

    private void apply(UserEngine.TimerMove move) {
        if (move.cancel() != UserState.NONE) {
            assertThat(timer).as("the engine cancels the one timer it set").isEqualTo(move.cancel());
            timer = UserState.NONE;
        }
        if (move.set() != UserState.NONE) {
            assertThat(timer).as("one timer per user").isEqualTo(UserState.NONE);
            timer = move.set();
        }
    }

    @Override
    public void trigger(FiredTrigger trigger) {
        outputs.add(trigger);
    }

    @Override
    public void outcome(Outcome outcome) {
        outputs.add(outcome);
    }

    @Override
    public void stageChange(StageChange change) {
        outputs.add(change);
    }

    @Override
    public void lateAfterDeadline(Event event) {
        lateAfterDeadline++;
    }

}
