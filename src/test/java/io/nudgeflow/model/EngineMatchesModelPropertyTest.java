package io.nudgeflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.domain.EngineDriver;
import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.rules.RuleSetParser;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine decides exactly as the {@link ReferenceModel} of SPEC sections 3-6 on random users delivered as
 * mobile apps deliver them ({@link GeneratedUser}): the same triggers (rule, fire time, cause, stage, attributes,
 * suppressed reason) and the same segment changes, in the same order. `mvn verify` tries the number of users
 * in {@code junit-platform.properties}; {@code -Djqwik.tries.default=N} tries more.
 */
class EngineMatchesModelPropertyTest {
    private static final RuleSet DEFAULT_RULES = RuleSetParser.loadDefault();

    @Property
    void theEngineTellsAUserWhatTheModelSays(@ForAll("users") GeneratedUser user) {
        assertSameOutputs(engine(user), model(user));
    }

    /** Long lives (100 to 400 events) of a daily habit: 30-day streaks, 50 lessons, the gold tier. */
    @Property
    void overALongHabitToo(@ForAll("longLives") GeneratedUser user) {
        assertSameOutputs(engine(user), model(user));
    }

    /** Names the first output where they part: in a long life the whole lists hide it. */
    static void assertSameOutputs(List<ReferenceModel.Output> engine, List<ReferenceModel.Output> model) {
        int i = 0;
        while (i < engine.size() && i < model.size() && engine.get(i).equals(model.get(i))) {
            i++;
        }
        if (i < engine.size() || i < model.size()) {
            assertThat(engine.subList(i, Math.min(engine.size(), i + 3)))
                    .as("outputs from #%d of %d (engine) and %d (model); the ones before agree: %s", i, engine.size(),
                            model.size(), engine.subList(Math.max(0, i - 3), i))
                    .isEqualTo(model.subList(i, Math.min(model.size(), i + 3)));
        }
    }

    @Provide
    Arbitrary<GeneratedUser> users() {
        return Arbitraries.oneOf(GeneratedUser.users(GeneratedUser.MIXED, 1, 60),
                GeneratedUser.users(GeneratedUser.BURSTS, 1, 60), GeneratedUser.users(GeneratedUser.HABIT, 1, 60));
    }

    @Provide
    Arbitrary<GeneratedUser> longLives() {
        return GeneratedUser.users(GeneratedUser.HABIT, 100, 400);
    }

    static List<ReferenceModel.Output> model(GeneratedUser user) {
        ReferenceModel model = new ReferenceModel();
        for (GeneratedUser.Input input : user.inputs()) {
            if (input instanceof GeneratedUser.Deliver d) {
                model.event(d.event());
            } else if (input instanceof GeneratedUser.Advance a) {
                model.timeReaches(a.to());
            }
        }
        return model.outputs();
    }

    static List<ReferenceModel.Output> engine(GeneratedUser user) {
        EngineDriver driver = new EngineDriver(DEFAULT_RULES, GeneratedUser.USER);
        for (GeneratedUser.Input input : user.inputs()) {
            if (input instanceof GeneratedUser.Deliver d) {
                driver.event(d.event());
            } else if (input instanceof GeneratedUser.Advance a) {
                driver.watermark(a.to());
            }
        }
        List<ReferenceModel.Output> outputs = new ArrayList<>();
        for (Object o : driver.outputs) {
            if (o instanceof FiredTrigger t) {
                outputs.add(new ReferenceModel.TriggerOut(t.ruleId(), t.fireTime(), t.causeEventId(), t.stage(),
                        new TreeMap<>(t.attributes()), t.suppressedReason()));
            } else if (o instanceof StageChange c) {
                outputs.add(new ReferenceModel.ChangeOut(c.from(), c.to(), c.changeTime(), c.reason()));
            }
        }
        return outputs;
    }
}
