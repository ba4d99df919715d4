package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Outcomes against their definition, recomputed from the whole history: for a user whose events arrive in time
 * order, every trigger sent or held back under a rule with a goal gets exactly one outcome — converted at the
 * earliest goal event strictly after its fire time and no later than fire time + window, else not converted when
 * the window ends — unless more than 16 windows were open (then it closed early). Nothing else gets one.
 */
class OutcomePropertyTest {
    private static final RuleSet RULES = RuleSetParser.loadDefault();
    private static final long START = EngineFixture.MONDAY_9AM;
    private static final List<String> TYPES = List.of("lesson_completed", "lesson_completed", "app_open", "screen_view",
            "add_to_cart", "purchase", "quiz_failed", "quiz_failed", "quiz_failed", "quiz_passed", "feature_viewed",
            "feature_used", "profile_completed", "goal_set", "signup", "notifications_opt_out", "notifications_opt_in",
            "payment_failed");

    record Step(long gapMinutes, String type) {}

    @Property(tries = 500)
    void everyFollowedTriggerGetsTheOutcomeItsHistorySays(@ForAll("histories") List<Step> steps) {
        EngineFixture f = new EngineFixture(RULES);
        List<Event> events = new ArrayList<>();
        long t = START;
        for (Step s : steps) {
            t += s.gapMinutes() * 60_000L;
            f.event(s.type(), t, "Europe/Berlin");
            events.add(new Event("e" + (events.size()), EngineFixture.USER, s.type(), t, "Europe/Berlin", null, Map.of()));
        }
        long until = t + 40L * LocalCalendar.DAY_MS; // every window of every trigger has ended
        f.advanceTo(until);

        Map<String, Rule> rules = new HashMap<>();
        RULES.rules().forEach(r -> rules.put(r.id(), r));
        Map<String, Outcome> outcomes = new HashMap<>();
        for (Outcome o : f.outcomes) {
            assertThat(outcomes.put(o.triggerId(), o)).as("one outcome per trigger").isNull();
        }
        boolean crowded = f.outcomes.stream().anyMatch(o -> o.end() == Outcome.End.TOO_MANY_OPEN);
        for (FiredTrigger trigger : f.triggers) {
            Goal goal = rules.get(trigger.ruleId()).header().goal();
            boolean followed = trigger.suppressedReason() == null || trigger.suppressedReason().equals("HOLDOUT");
            Outcome o = outcomes.remove(trigger.triggerId());
            if (!followed) {
                assertThat(o).as("%s %s is not followed", trigger.ruleId(), trigger.suppressedReason()).isNull();
                continue;
            }
            assertThat(o).as("the outcome of %s at %s", trigger.ruleId(), trigger.fireTime()).isNotNull();
            if (o.end() == Outcome.End.TOO_MANY_OPEN) {
                continue;
            }
            long end = trigger.fireTime() + goal.within().toMillis();
            Event first = events.stream()
                    .filter(e -> e.time() > trigger.fireTime() && e.time() <= end)
                    .filter(e -> goal.anyActiveEvent() ? RULES.isActive(e.type()) : goal.events().contains(e.type()))
                    .findFirst().orElse(null);
            assertThat(o.windowEnd()).isEqualTo(end);
            if (first == null) {
                assertThat(o.converted()).as("%s: no goal event in its window", trigger.ruleId()).isFalse();
                assertThat(o.end()).isEqualTo(Outcome.End.WINDOW_ENDED);
            } else {
                assertThat(o.converted()).as("%s: converted by %s", trigger.ruleId(), first).isTrue();
                assertThat(o.convertedAt()).isEqualTo(first.time());
                assertThat(o.convertingEventId()).isEqualTo(first.eventId());
            }
            assertThat(o.ruleId()).isEqualTo(trigger.ruleId());
            assertThat(o.variant()).isEqualTo(trigger.variant());
            assertThat(o.ruleSetVersion()).isEqualTo(trigger.ruleSetVersion());
        }
        assertThat(outcomes).as("outcomes of no trigger").isEmpty();
        assertThat(f.state.outcomes).as("every window ended by %s", until).isEmpty();
        if (!crowded) {
            assertThat(f.outcomes).noneMatch(o -> o.end() == Outcome.End.TOO_MANY_OPEN);
        }
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Long> gap = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 90)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(60, 36 * 60)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(36 * 60, 10 * 24 * 60)));
        Arbitrary<Step> step = Combinators.combine(gap, Arbitraries.of(TYPES)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }
}
