package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_10AM;
import static io.nudgeflow.domain.EngineFixture.days;
import static io.nudgeflow.domain.EngineFixture.hours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.nudgeflow.rules.RuleSetParser;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each rule type of the default rule set, at its edges. Times are mid-morning UTC unless a test is about zones. */
class RuleTypesTest {
    private static long minutes(long t, long m) {
        return t + Duration.ofMinutes(m).toMillis();
    }

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Nested
    class Streaks {
        @Test
        void fireOnTheFirstActiveEventOfTheDayTheRunReachesEachThreshold() {
            EngineFixture f = new EngineFixture();
            for (int d = 0; d < 7; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
                f.event("lesson_completed", hours(days(MONDAY_10AM, d), 2)); // a second lesson the same day
            }

            assertThat(f.triggers.stream().filter(t -> t.kind() == TriggerKind.STREAK))
                    .extracting(FiredTrigger::ruleId, FiredTrigger::fireTime, FiredTrigger::attributes)
                    .containsExactly(
                            tuple("streak_3", days(MONDAY_10AM, 2), Map.of("streak_days", "3")),
                            tuple("streak_5", days(MONDAY_10AM, 4), Map.of("streak_days", "5", "badge", "consistency_streak")),
                            tuple("streak_7", days(MONDAY_10AM, 6), Map.of("streak_days", "7")));
        }

        @Test
        void aBrokenStreakStartsOverAndFiresAgainWhenReachedAnew() {
            EngineFixture f = new EngineFixture();
            for (int d : new int[] {0, 1, 2, 4, 5, 6}) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }

            assertThat(f.triggers.stream().filter(t -> t.ruleId().equals("streak_3")).map(FiredTrigger::fireTime))
                    .containsExactly(days(MONDAY_10AM, 2), days(MONDAY_10AM, 6));
        }

        @Test
        void passiveEventsDoNotExtendAStreak() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .event("app_open", days(MONDAY_10AM, 1))
                    .event("lesson_completed", days(MONDAY_10AM, 2));

            assertThat(f.ruleIds()).doesNotContain("streak_3");
        }

        @Test
        void countLocalDaysAcrossTheSpringForwardChangeInNewYork() {
            // 00:30 local on three days; 2026-03-08 02:00 is when New York moves from UTC-5 to UTC-4
            String ny = "America/New_York";
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-07T05:30:00Z"), ny)
                    .event("lesson_completed", at("2026-03-08T05:30:00Z"), ny)
                    .event("lesson_completed", at("2026-03-09T04:30:00Z"), ny); // 00:30 EDT; a fixed -5 would say 23:30 the day before

            assertThat(f.only("streak_3").fireTime()).isEqualTo(at("2026-03-09T04:30:00Z"));
        }
    }

    @Nested
    class StreakAtRisk {
        @Test
        void firesAt8pmLocalOnTheFirstDayWithoutActivityAfterAStreakOfTwo() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-02T10:00:00Z"))
                    .event("lesson_completed", at("2026-03-03T10:00:00Z"))
                    .advanceTo(at("2026-03-06T00:00:00Z"));

            FiredTrigger nudge = f.only("streak_at_risk");
            assertThat(nudge.fireTime()).isEqualTo(at("2026-03-04T20:00:00Z"));
            assertThat(nudge.attributes()).isEqualTo(Map.of("streak_days", "2"));
            assertThat(nudge.kind()).isEqualTo(TriggerKind.NUDGE);
        }

        @Test
        void activityBefore8pmMovesItToTheNextDayAndASingleDayRunNeverFires() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-02T10:00:00Z"))
                    .event("lesson_completed", at("2026-03-03T10:00:00Z"))
                    .event("lesson_completed", at("2026-03-04T19:00:00Z"))
                    .advanceTo(at("2026-03-07T00:00:00Z"));
            assertThat(f.only("streak_at_risk").fireTime()).isEqualTo(at("2026-03-05T20:00:00Z"));
            assertThat(f.only("streak_at_risk").attributes()).isEqualTo(Map.of("streak_days", "3"));

            EngineFixture single = new EngineFixture().event("lesson_completed", MONDAY_10AM).advanceTo(days(MONDAY_10AM, 3));
            assertThat(single.ruleIds()).doesNotContain("streak_at_risk");
        }

        @Test
        void isAt8pmNewYorkTimeOnTheDayTheClocksSpringForward() {
            String ny = "America/New_York";
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-06T15:00:00Z"), ny)
                    .event("lesson_completed", at("2026-03-07T15:00:00Z"), ny)
                    .advanceTo(at("2026-03-10T00:00:00Z"));

            // 20:00 EDT (UTC-4) on 2026-03-08, not 20:00 EST
            assertThat(f.only("streak_at_risk").fireTime()).isEqualTo(at("2026-03-09T00:00:00Z"));
        }

        @Test
        void followsTheUsersLatestZoneAfterTheyMove() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-02T00:00:00Z"), "Asia/Tokyo") // 09:00 in Tokyo
                    .event("lesson_completed", at("2026-03-03T00:00:00Z"), "Asia/Tokyo")
                    .event("app_open", at("2026-03-03T01:00:00Z"), "America/Los_Angeles") // landed in LA
                    .advanceTo(at("2026-03-07T00:00:00Z"));

            // day D is 2026-03-04; 20:00 in Los Angeles (UTC-8), not in Tokyo (which would be 11:00Z)
            assertThat(f.only("streak_at_risk").fireTime()).isEqualTo(at("2026-03-05T04:00:00Z"));
        }
    }

    @Nested
    class Counts {
        @Test
        void lessonMilestonesFireOnTheTenthDistinctLessonOnce() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i < 12; i++) {
                f.event("lesson_completed", minutes(MONDAY_10AM, i));
                if (i == 4) { // a redelivery of the fifth lesson (the fixture numbers events e0, e1, ...)
                    f.apply(new Event("e4", "u1", "lesson_completed", minutes(MONDAY_10AM, i), null, null, Map.of()));
                }
            }

            assertThat(f.duplicates).hasSize(1);
            FiredTrigger ten = f.only("lessons_10");
            assertThat(ten.fireTime()).isEqualTo(minutes(MONDAY_10AM, 9));
            assertThat(ten.attributes()).isEqualTo(Map.of("count", "10"));
            assertThat(ten.causeEventId()).isEqualTo("e9");
        }

        @Test
        void eventsOlderThanTheLateToleranceStillCount() {
            EngineFixture f = new EngineFixture().event("app_open", days(MONDAY_10AM, 5));
            for (int i = 0; i < 10; i++) {
                f.event("lesson_completed", minutes(MONDAY_10AM, i));
            }

            assertThat(f.late).hasSize(10);
            assertThat(f.only("lessons_10").fireTime()).isEqualTo(minutes(MONDAY_10AM, 9));
        }
    }

    @Nested
    class Tiers {
        @Test
        void silverAndGoldAtCumulativePurchaseValueOf100And1000() {
            EngineFixture f = new EngineFixture()
                    .event("purchase", MONDAY_10AM, null, 60.0, Map.of())
                    .event("purchase", hours(MONDAY_10AM, 1), null, 50.0, Map.of())
                    .event("purchase", hours(MONDAY_10AM, 2), null, 890.0, Map.of());

            assertThat(f.triggers.stream().filter(t -> t.ruleId().startsWith("tier_")))
                    .extracting(FiredTrigger::ruleId, FiredTrigger::fireTime, FiredTrigger::attributes)
                    .containsExactly(
                            tuple("tier_silver", hours(MONDAY_10AM, 1), Map.of("tier", "silver", "points", "110")),
                            tuple("tier_gold", hours(MONDAY_10AM, 2), Map.of("tier", "gold", "points", "1000")));
        }

        @Test
        void centsAddUpExactly() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i < 3; i++) {
                f.event("purchase", minutes(MONDAY_10AM, i), null, 33.33, Map.of());
            }
            assertThat(f.ruleIds()).doesNotContain("tier_silver");

            f.event("purchase", minutes(MONDAY_10AM, 5), null, 0.01, Map.of());
            assertThat(f.only("tier_silver").attributes()).containsEntry("points", "100");
        }

        @Test
        void aSumBeyondTheLargestNumberSaturatesInsteadOfWrappingRoundAndFiringAgain() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i < 3; i++) { // each 1e300: the sum passes Long.MAX_VALUE hundredths at the second
                f.event("purchase", minutes(MONDAY_10AM, i), null, 1e300, Map.of());
            }

            assertThat(f.ruleIds().stream().filter(r -> r.startsWith("tier_"))).containsExactly("tier_silver", "tier_gold");
        }
    }

    @Nested
    class RepeatedWithout {
        @Test
        void quizStruggleOnTheThirdFailureWithinAnHourThenTheCountRestarts() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i < 6; i++) {
                f.event("quiz_failed", minutes(MONDAY_10AM, 10 * i));
            }

            assertThat(f.triggers.stream().filter(t -> t.ruleId().equals("quiz_struggle")))
                    .extracting(FiredTrigger::fireTime, FiredTrigger::attributes)
                    .containsExactly(
                            tuple(minutes(MONDAY_10AM, 20), Map.of("failures", "3")),
                            tuple(minutes(MONDAY_10AM, 50), Map.of("failures", "3")));
        }

        @Test
        void aPassInBetweenOrFailuresSpreadOverMoreThanAnHourDoNotCount() {
            EngineFixture passed = new EngineFixture()
                    .event("quiz_failed", MONDAY_10AM)
                    .event("quiz_failed", minutes(MONDAY_10AM, 5))
                    .event("quiz_passed", minutes(MONDAY_10AM, 10))
                    .event("quiz_failed", minutes(MONDAY_10AM, 15));
            EngineFixture slow = new EngineFixture()
                    .event("quiz_failed", MONDAY_10AM)
                    .event("quiz_failed", minutes(MONDAY_10AM, 40))
                    .event("quiz_failed", minutes(MONDAY_10AM, 61));

            assertThat(passed.ruleIds()).doesNotContain("quiz_struggle");
            assertThat(slow.ruleIds()).doesNotContain("quiz_struggle");
        }

        @Test
        void featureHesitationCountsPerFeatureAndAUseClearsOnlyThatFeature() {
            EngineFixture f = new EngineFixture();
            String[] sequence = {"viewed:search", "viewed:export", "viewed:search", "used:export", "viewed:export",
                    "viewed:search", "viewed:export"};
            for (int i = 0; i < sequence.length; i++) {
                String[] parts = sequence[i].split(":");
                f.event("feature_" + parts[0], hours(MONDAY_10AM, i), null, null, Map.of("feature", parts[1]));
            }

            assertThat(f.triggers.stream().filter(t -> t.ruleId().equals("feature_hesitation")))
                    .extracting(FiredTrigger::fireTime, FiredTrigger::attributes)
                    .containsExactly(tuple(hours(MONDAY_10AM, 5), Map.of("feature", "search")));
        }
    }

    @Nested
    class NotFollowed {
        @Test
        void cartAbandonedAnHourAfterTheLatestAddToCartWithItsValue() {
            EngineFixture f = new EngineFixture()
                    .event("add_to_cart", MONDAY_10AM, null, 20.0, Map.of())
                    .event("add_to_cart", minutes(MONDAY_10AM, 40), null, 59.9, Map.of())
                    .advanceTo(hours(MONDAY_10AM, 3));

            FiredTrigger cart = f.only("cart_abandoned");
            assertThat(cart.fireTime()).isEqualTo(minutes(MONDAY_10AM, 100));
            assertThat(cart.attributes()).isEqualTo(Map.of("cart_value", "59.9"));
            assertThat(f.state.memory.size()).as("the pending cart is forgotten once it fired").isEqualTo(0);
        }

        @Test
        void aLateAddToCartWhoseHourIsAlreadyPastIsNotKeptPending() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", hours(MONDAY_10AM, 5))
                    .event("add_to_cart", MONDAY_10AM); // 5 h late: its 1 h deadline is behind the user's clock

            assertThat(f.state.memory.size()).as("only the nothing-pending state remains").isZero();
            assertThat(f.engine.nextDeadline(f.state)).isNotEqualTo(hours(MONDAY_10AM, 1));
        }

        @Test
        void aPurchaseCancelsItAndAnUnknownValueLeavesTheAttributeOut() {
            EngineFixture bought = new EngineFixture()
                    .event("add_to_cart", MONDAY_10AM)
                    .event("purchase", minutes(MONDAY_10AM, 30))
                    .advanceTo(hours(MONDAY_10AM, 3));
            EngineFixture unknown = new EngineFixture().event("add_to_cart", MONDAY_10AM).advanceTo(hours(MONDAY_10AM, 3));

            assertThat(bought.ruleIds()).doesNotContain("cart_abandoned");
            assertThat(unknown.only("cart_abandoned").attributes()).isEmpty();
        }
    }

    @Nested
    class OnEvent {
        @Test
        void paymentFailedFiresOnTheEventWithItsReasonWhenGiven() {
            EngineFixture f = new EngineFixture()
                    .event("payment_failed", MONDAY_10AM, null, null, Map.of("reason", "card_expired"))
                    .event("payment_failed", hours(MONDAY_10AM, 1));

            assertThat(f.triggers).extracting(FiredTrigger::ruleId, FiredTrigger::attributes, FiredTrigger::causeEventId)
                    .containsExactly(
                            tuple("payment_failed", Map.of("reason", "card_expired"), "e0"),
                            tuple("payment_failed", Map.of(), "e1"));
        }

        @Test
        void aCooldownKeepsARuleSilentForAWhileAfterItFired() {
            RuleSet rules = RuleSetParser.parse("""
                    version: t
                    active_events: [lesson_completed]
                    onboarding: {checklist: [lesson_completed]}
                    guardrails: {frequency_cap_per_local_day: 0}
                    rules:
                      - {id: failed, kind: NUDGE, type: on_event, event: payment_failed, cooldown: 1h}
                    """, "t.yaml");
            EngineFixture f = new EngineFixture(rules)
                    .event("payment_failed", MONDAY_10AM)
                    .event("payment_failed", minutes(MONDAY_10AM, 30))
                    .event("payment_failed", minutes(MONDAY_10AM, 65));

            assertThat(f.triggers).extracting(FiredTrigger::fireTime).containsExactly(MONDAY_10AM, minutes(MONDAY_10AM, 65));
        }
    }
}
