package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_10AM;
import static io.nudgeflow.domain.EngineFixture.days;
import static io.nudgeflow.domain.EngineFixture.hours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nudgeflow.rules.RuleSetParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Trigger outcomes (issue 15): each trigger sent or held back is followed until its goal or the end of its window. */
class OutcomeTest {

    @Nested
    class DefaultRules {
        @Test
        void aReengagementConvertsWhenTheUserComesBackWithinTheWindow() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.event("lesson_completed", hours(MONDAY_10AM, 30)); // 6 h after inactive_24h, 14 h before its quiet-hours...
            FiredTrigger nudge = f.only("inactive_24h");

            Outcome o = outcomeOf(f, nudge);
            assertThat(o.converted()).isTrue();
            assertThat(o.end()).isEqualTo(Outcome.End.GOAL_REACHED);
            assertThat(o.convertedAt()).isEqualTo(hours(MONDAY_10AM, 30));
            assertThat(o.timeToConvertMs()).isEqualTo(hours(MONDAY_10AM, 30) - nudge.fireTime());
            assertThat(o.convertingEventId()).isNotNull();
            assertThat(o.ruleSetVersion()).isEqualTo(nudge.ruleSetVersion());
            assertThat(o.windowEnd()).isEqualTo(nudge.fireTime() + hours(0, 48));
        }

        @Test
        void withoutItsGoalTheWindowEndsUnconvertedAtItsEndAndAPassiveEventDoesNotCount() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.advanceTo(hours(MONDAY_10AM, 25));
            FiredTrigger nudge = f.only("inactive_24h");
            f.event("app_open", hours(MONDAY_10AM, 26)); // passive: no goal of a re-engagement

            assertThat(f.outcomes).extracting(Outcome::triggerId).doesNotContain(nudge.triggerId());
            assertThat(f.engine.nextDeadline(f.state)).isLessThanOrEqualTo(nudge.fireTime() + hours(0, 48));
            f.advanceTo(nudge.fireTime() + hours(0, 48));

            Outcome o = outcomeOf(f, nudge);
            assertThat(o.converted()).isFalse();
            assertThat(o.end()).isEqualTo(Outcome.End.WINDOW_ENDED);
            assertThat(o.decidedAt()).isEqualTo(o.windowEnd());
            assertThat(o.timeToConvertMs()).isNull();
            assertThat(o.convertedAt()).isEqualTo(UserState.NONE);
        }

        @Test
        void anActiveEventAtTheVeryEndOfTheWindowStillConverts() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.advanceTo(hours(MONDAY_10AM, 25));
            FiredTrigger nudge = f.only("inactive_24h");
            f.event("lesson_completed", nudge.fireTime() + hours(0, 48));

            assertThat(outcomeOf(f, nudge).converted()).isTrue();
        }

        @Test
        void aCartNudgeConvertsOnlyByAPurchase() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.event("add_to_cart", hours(MONDAY_10AM, 1), null, 20.0, Map.of());
            f.advanceTo(hours(MONDAY_10AM, 2) + 1);
            FiredTrigger cart = f.only("cart_abandoned");
            f.event("lesson_completed", hours(MONDAY_10AM, 3)); // active, but not the cart's goal
            assertThat(f.outcomes).extracting(Outcome::triggerId).doesNotContain(cart.triggerId());

            f.event("purchase", hours(MONDAY_10AM, 5), null, 20.0, Map.of());

            Outcome o = outcomeOf(f, cart);
            assertThat(o.converted()).isTrue();
            assertThat(o.convertedAt()).isEqualTo(hours(MONDAY_10AM, 5));
        }

        @Test
        void theEventThatCausedATriggerDoesNotConvertIt() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            for (int d = 1; d <= 2; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }
            FiredTrigger streak = f.only("streak_3");
            assertThat(f.outcomes).extracting(Outcome::triggerId).doesNotContain(streak.triggerId());

            f.event("lesson_completed", days(MONDAY_10AM, 3));
            assertThat(outcomeOf(f, streak).convertedAt()).isEqualTo(days(MONDAY_10AM, 3));
        }

        @Test
        void aLateEventInsideAnOpenWindowConvertsAndOneBeforeTheTriggerDoesNot() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.advanceTo(hours(MONDAY_10AM, 25));
            FiredTrigger nudge = f.only("inactive_24h");
            f.event("app_open", hours(MONDAY_10AM, 40));
            f.event("lesson_completed", hours(MONDAY_10AM, 23)); // late, before the trigger: its own story
            assertThat(f.outcomes).extracting(Outcome::triggerId).doesNotContain(nudge.triggerId());

            f.event("lesson_completed", hours(MONDAY_10AM, 30)); // late, within the window
            assertThat(outcomeOf(f, nudge).convertedAt()).isEqualTo(hours(MONDAY_10AM, 30));
        }

        @Test
        void anErasedUserLeavesNoWindowAndNoOutcomeBehind() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.advanceTo(hours(MONDAY_10AM, 25));
            assertThat(f.state.outcomes).isNotEmpty();
            int before = f.outcomes.size();

            f.event("user_erased", hours(MONDAY_10AM, 26));

            assertThat(f.state).isNull();
            assertThat(f.outcomes).hasSize(before);
        }

        @Test
        void openWindowsRoundTripThroughTheStateCodec() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            f.event("add_to_cart", hours(MONDAY_10AM, 1), null, 20.0, Map.of());
            f.advanceTo(hours(MONDAY_10AM, 25));
            assertThat(f.state.outcomes).hasSizeGreaterThanOrEqualTo(2);

            UserState decoded = UserStateCodec.decode(UserStateCodec.encode(f.state));

            assertThat(decoded.outcomes).isEqualTo(f.state.outcomes);
            assertThat(decoded).isEqualTo(f.state);
        }
    }

    private static final String EXPERIMENT_RULES = """
            version: exp-1
            active_events: [lesson_completed]
            onboarding: {checklist: [lesson_completed]}
            guardrails: {quiet_hours: off, frequency_cap_per_local_day: 2}
            rules:
              - id: failed
                kind: NUDGE
                type: on_event
                event: payment_failed
                goal: {events: [payment_succeeded], within: 24h}
                experiment:
                  id: rescue-copy
                  holdout: 0.3
                  variants: [{name: a}, {name: b}]
              - id: untracked
                kind: NUDGE
                type: on_event
                event: ping
                goal: off
            """;

    @Nested
    class Arms {
        private final RuleSet rules = RuleSetParser.parse(EXPERIMENT_RULES, "exp.yaml");

        @Test
        void holdoutTriggersAreFollowedAsTheControlGroupAndEveryArmKeepsItsName() {
            UserEngine engine = new UserEngine(rules);
            Recorder out = new Recorder();
            for (int i = 0; i < 400; i++) {
                String user = "user-" + i;
                UserState s = engine.onEvent(null, new Event("f" + i, user, "payment_failed", MONDAY_10AM, null, null, Map.of()),
                        UserEngine.NO_WALL_CLOCK, out);
                engine.onEvent(s, new Event("s" + i, user, "payment_succeeded", hours(MONDAY_10AM, 1), null, null, Map.of()),
                        UserEngine.NO_WALL_CLOCK, out);
            }

            assertThat(out.outcomes).hasSize(400).allMatch(Outcome::converted);
            Map<String, FiredTrigger> byId = new java.util.HashMap<>();
            out.triggers.forEach(t -> byId.put(t.triggerId(), t));
            for (Outcome o : out.outcomes) {
                FiredTrigger t = byId.get(o.triggerId());
                assertThat(o.holdout()).isEqualTo("HOLDOUT".equals(t.suppressedReason()));
                assertThat(o.variant()).isEqualTo(t.variant());
            }
            assertThat(out.outcomes).filteredOn(Outcome::holdout).hasSizeBetween(80, 160);
        }

        @Test
        void optedOutAndCappedTriggersAndRulesWithoutAGoalAreNotFollowed() {
            UserEngine engine = new UserEngine(rules);
            Recorder out = new Recorder();
            String user = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "u" + i)
                    .filter(u -> !rules.rules().get(0).header().experiment().assign(u).holdout()).findFirst().orElseThrow();
            UserState s = null;
            for (int i = 0; i < 4; i++) { // the cap is 2 a day: two sent, two capped
                s = engine.onEvent(s, new Event("f" + i, user, "payment_failed", MONDAY_10AM + i, null, null, Map.of()),
                        UserEngine.NO_WALL_CLOCK, out);
            }
            s = engine.onEvent(s, new Event("p", user, "ping", MONDAY_10AM + 10, null, null, Map.of()), UserEngine.NO_WALL_CLOCK, out);
            assertThat(out.triggers).extracting(FiredTrigger::suppressedReason).containsExactly(null, null, "FREQUENCY_CAP",
                    "FREQUENCY_CAP", "FREQUENCY_CAP");
            assertThat(s.outcomes).hasSize(2).extracting(OpenOutcome::ruleId).containsOnly("failed");

            s = engine.onEvent(s, new Event("o", user, "notifications_opt_out", days(MONDAY_10AM, 1), null, null, Map.of()),
                    UserEngine.NO_WALL_CLOCK, out);
            s = engine.onEvent(s, new Event("f9", user, "payment_failed", days(MONDAY_10AM, 1) + 1, null, null, Map.of()),
                    UserEngine.NO_WALL_CLOCK, out);
            assertThat(out.triggers.get(out.triggers.size() - 1).suppressedReason()).isEqualTo("OPTED_OUT");
            assertThat(out.outcomes).extracting(Outcome::end).containsOnly(Outcome.End.WINDOW_ENDED);
            // what is still open is the second sent trigger's window (it ends at the opted-out one's instant), no other
            assertThat(s.outcomes).extracting(OpenOutcome::fireTime).containsExactly(MONDAY_10AM + 1);
        }

        @Test
        void beyondSixteenOpenWindowsTheOneEndingSoonestClosesEarlyUnconverted() {
            RuleSet many = RuleSetParser.parse("""
                    version: many
                    active_events: [lesson_completed]
                    onboarding: {checklist: [lesson_completed]}
                    guardrails: {quiet_hours: off, frequency_cap_per_local_day: 0}
                    rules:
                      - {id: ping, kind: NUDGE, type: on_event, event: ping, goal: {events: [pong], within: 1h}}
                    """, "many.yaml");
            UserEngine engine = new UserEngine(many);
            Recorder out = new Recorder();
            UserState s = null;
            int pings = UserState.MAX_OPEN_OUTCOMES + 5;
            for (int i = 0; i < pings; i++) {
                s = engine.onEvent(s, new Event("p" + i, "u", "ping", MONDAY_10AM + i * 1_000L, null, null, Map.of()),
                        UserEngine.NO_WALL_CLOCK, out);
                assertThat(s.outcomes.size()).isLessThanOrEqualTo(UserState.MAX_OPEN_OUTCOMES);
            }
            assertThat(out.outcomes).hasSize(5).extracting(Outcome::end, Outcome::converted)
                    .containsOnly(tuple(Outcome.End.TOO_MANY_OPEN, false));
            // the five oldest triggers (their windows end first) made room
            assertThat(out.outcomes).extracting(Outcome::fireTime)
                    .containsExactly(MONDAY_10AM, MONDAY_10AM + 1_000, MONDAY_10AM + 2_000, MONDAY_10AM + 3_000, MONDAY_10AM + 4_000);
            // each closed at the instant of the trigger that needed its place
            assertThat(out.outcomes).extracting(Outcome::decidedAt)
                    .containsExactly(MONDAY_10AM + 16_000, MONDAY_10AM + 17_000, MONDAY_10AM + 18_000, MONDAY_10AM + 19_000,
                            MONDAY_10AM + 20_000);

            engine.onEvent(s, new Event("pong", "u", "pong", MONDAY_10AM + 60_000, null, null, Map.of()), UserEngine.NO_WALL_CLOCK, out);
            assertThat(out.outcomes).hasSize(pings).filteredOn(Outcome::converted).hasSize(UserState.MAX_OPEN_OUTCOMES);
        }
    }

    private static Outcome outcomeOf(EngineFixture f, FiredTrigger t) {
        List<Outcome> matching = f.outcomes.stream().filter(o -> o.triggerId().equals(t.triggerId())).toList();
        assertThat(matching).as("one outcome of " + t.ruleId() + " among " + f.outcomes).hasSize(1);
        return matching.get(0);
    }

    private static final class Recorder implements EngineOutput {
        final List<FiredTrigger> triggers = new java.util.ArrayList<>();
        final List<Outcome> outcomes = new java.util.ArrayList<>();

        @Override
        public void trigger(FiredTrigger trigger) {
            triggers.add(trigger);
        }

        @Override
        public void outcome(Outcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void stageChange(StageChange change) {}
    }
}
