package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_10AM;
import static io.nudgeflow.domain.EngineFixture.days;
import static io.nudgeflow.domain.EngineFixture.hours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * SPEC 5-6 for events as mobile SDKs deliver them: late (offline batches), out of order and twice (retries).
 * Each nested class is one class of inputs; each test names the behaviour the SPEC asks for.
 */
class LateAndRedeliveredEventsTest {
    private static final String TOKYO = "Asia/Tokyo";
    private static final String BERLIN = "Europe/Berlin";
    private static final String NEW_YORK = "America/New_York";

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static long minutes(long t, long m) {
        return t + Duration.ofMinutes(m).toMillis();
    }

    @Nested
    class ConsentFollowsEventTime {
        @Test
        void aDelayedOptInFromBeforeAnOptOutDoesNotReenablePushes() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("notifications_opt_out", hours(MONDAY_10AM, 2))
                    .event("notifications_opt_in", hours(MONDAY_10AM, 1)) // sent before the opt-out, arrives after it
                    .event("payment_failed", hours(MONDAY_10AM, 3));

            assertThat(f.only("payment_failed").suppressedReason()).isEqualTo("OPTED_OUT");
            assertThat(f.state.optedOut()).isTrue();
        }

        @Test
        void aDelayedOptOutNewerThanTheOptInInForceTakesEffect() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("notifications_opt_out", hours(MONDAY_10AM, 1))
                    .event("notifications_opt_in", hours(MONDAY_10AM, 2))
                    .event("app_open", hours(MONDAY_10AM, 4))
                    .event("notifications_opt_out", hours(MONDAY_10AM, 3)) // late, but the newest consent
                    .event("payment_failed", hours(MONDAY_10AM, 5));

            assertThat(f.only("payment_failed").suppressedReason()).isEqualTo("OPTED_OUT");
        }

        @Test
        void consentAppliesWhateverItsLateness() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("app_open", days(MONDAY_10AM, 3))
                    .event("notifications_opt_out", days(MONDAY_10AM, 1)) // two days late: beyond the late tolerance
                    .event("payment_failed", hours(days(MONDAY_10AM, 3), 1));

            assertThat(f.late).hasSize(1);
            assertThat(f.only("payment_failed").suppressedReason()).isEqualTo("OPTED_OUT");
        }
    }

    @Nested
    class TheCapCountsTheDayOfTheDecision {
        @Test
        void aTriggerDecidedFromALateEventCountsAgainstTheDayItIsDecidedOn() {
            long tuesday = days(MONDAY_10AM, 1);
            EngineFixture f = new EngineFixture()
                    .event("payment_failed", tuesday)
                    .event("payment_failed", hours(tuesday, 1))
                    .event("payment_failed", hours(tuesday, 2))
                    .event("payment_failed", hours(MONDAY_10AM, 10)) // Monday 20:00, arriving on Tuesday
                    .event("payment_failed", hours(tuesday, 3));

            assertThat(f.triggers).extracting(FiredTrigger::fireTime, FiredTrigger::suppressedReason).containsExactly(
                    tuple(tuesday, null), tuple(hours(tuesday, 1), null), tuple(hours(tuesday, 2), null),
                    tuple(hours(MONDAY_10AM, 10), "FREQUENCY_CAP"), tuple(hours(tuesday, 3), "FREQUENCY_CAP"));
        }

        @Test
        void aZoneChangeWestwardsDoesNotReopenADayAlreadyCounted() {
            EngineFixture f = new EngineFixture()
                    .event("payment_failed", at("2026-03-03T01:00:00Z"), TOKYO) // Tuesday 10:00 in Tokyo
                    .event("payment_failed", at("2026-03-03T02:00:00Z"), TOKYO)
                    .event("payment_failed", at("2026-03-03T03:00:00Z"), TOKYO)
                    .event("payment_failed", at("2026-03-03T04:00:00Z"), "America/Los_Angeles"); // Monday 20:00 there

            assertThat(f.triggers).extracting(FiredTrigger::suppressedReason).containsExactly(null, null, null, "FREQUENCY_CAP");
        }
    }

    @Nested
    class DedupRemembersTheWholeWindow {
        @Test
        void aResentBatchOfAHundredPurchasesCountsOnce() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i < 100; i++) {
                f.apply(purchase("p" + i, minutes(MONDAY_10AM, i), 0.6));
            }
            for (int i = 0; i < 100; i++) { // the SDK sends the whole batch again
                f.apply(purchase("p" + i, minutes(MONDAY_10AM, i), 0.6));
            }

            assertThat(f.duplicates).hasSize(100);
            assertThat(f.ruleIds()).doesNotContain("tier_silver");
        }

        @Test
        void theRetryOfAnEventOlderThanTheWindowIsIgnoredToo() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", hours(MONDAY_10AM, 30))
                    .event("offline-1", "lesson_completed", MONDAY_10AM) // 30 h late
                    .event("offline-1", "lesson_completed", MONDAY_10AM); // its retry, a second later

            assertThat(f.late).hasSize(1);
            assertThat(f.duplicates).hasSize(1);
        }

        @Test
        void anIdIsRememberedForTheWindowFromWhenItCameNotFromWhenItHappened() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", hours(MONDAY_10AM, 20))
                    .event("offline-1", "app_open", MONDAY_10AM) // 20 h late: seen at hour 20 of the user's time
                    .event("app_open", hours(MONDAY_10AM, 40))
                    .event("offline-1", "app_open", MONDAY_10AM); // 20 h after it came, 40 h after it happened

            assertThat(f.duplicates).hasSize(1);
        }

        @Test
        void pastTheHardBoundTheOldestIdIsForgottenAndCounted() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i <= RecentIds.MAX; i++) { // a flood within minutes
                f.event("flood-" + i, "screen_view", MONDAY_10AM + i * 10L);
            }

            assertThat(f.idsForgotten).hasSize(1);
            assertThat(f.state.recentEventIdCount()).isEqualTo(RecentIds.MAX);
            f.event("flood-1", "screen_view", MONDAY_10AM + 10L).event("flood-0", "screen_view", MONDAY_10AM);
            assertThat(f.duplicates).extracting(Event::eventId).containsExactly("flood-1");
        }

        private Event purchase(String id, long time, double value) {
            return new Event(id, EngineFixture.USER, "purchase", time, null, value, Map.of());
        }
    }

    @Nested
    class ALateDayJoiningStreakRuns {
        @Test
        void firesOnlyTheLengthsNeitherRunHadReached() {
            EngineFixture f = new EngineFixture();
            for (int d = 0; d < 5; d++) { // Monday to Friday: streak_3 and streak_5
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }
            f.event("lesson_completed", hours(days(MONDAY_10AM, 6), -2)) // Sunday 08:00
                    .event("lesson_completed", hours(days(MONDAY_10AM, 5), 2)); // Saturday noon, 20 h late: days 0-6

            assertThat(f.ruleIds().stream().filter(r -> r.startsWith("streak_") && !r.equals("streak_at_risk")))
                    .containsExactly("streak_3", "streak_5", "streak_7");
            assertThat(f.only("streak_7").fireTime()).isEqualTo(hours(days(MONDAY_10AM, 5), 2));
        }

        @Test
        void twoShortRunsJoinedReachTheirFirstThreshold() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .event("lesson_completed", days(MONDAY_10AM, 1))
                    .event("lesson_completed", at("2026-03-05T01:00:00Z")) // Thursday
                    .event("lesson_completed", at("2026-03-04T23:00:00Z")); // Wednesday, 2 h late: Monday to Thursday

            assertThat(f.only("streak_3").fireTime()).isEqualTo(at("2026-03-04T23:00:00Z"));
        }

        @Test
        void aRunLongerThanTheSixtyFourDaysOfActiveDayBitsKeepsCounting() {
            EngineFixture f = new EngineFixture();
            for (int d = 0; d < 100; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }
            f.advanceTo(days(MONDAY_10AM, 101)); // day 100 passes without a lesson: 20:00 is at risk

            assertThat(f.only("streak_at_risk").attributes()).containsEntry("streak_days", "100");
            UserState restored = UserStateCodec.decode(UserStateCodec.encode(f.state));
            assertThat(restored.currentRun()).as("the run survives a checkpoint").isEqualTo(100);
        }

        @Test
        void aLateEventOnADayAlreadyActiveFiresNoStreak() {
            EngineFixture f = new EngineFixture();
            for (int d = 0; d < 3; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }
            f.event("lesson_completed", hours(days(MONDAY_10AM, 2), -1)); // Wednesday again

            assertThat(f.ruleIds()).containsOnlyOnce("streak_3");
        }
    }

    /** Found by EngineMatchesModelPropertyTest (shrunk): a purchase that arrived before the cart it follows. */
    @Nested
    class CartsComingLate {
        @Test
        void aLateAddToCartThatAPurchaseAlreadyFollowedWaitsForNothing() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("purchase", minutes(MONDAY_10AM, 20))
                    .event("add_to_cart", minutes(MONDAY_10AM, 5)); // put in the cart before the purchase, arriving after

            f.advanceTo(hours(MONDAY_10AM, 3));
            assertThat(f.ruleIds()).doesNotContain("cart_abandoned");
        }

        @Test
        void aPurchaseAtTheCartsVeryInstantFollowsIt() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("purchase", minutes(MONDAY_10AM, 5))
                    .event("add_to_cart", minutes(MONDAY_10AM, 5));

            f.advanceTo(hours(MONDAY_10AM, 3));
            assertThat(f.ruleIds()).doesNotContain("cart_abandoned");
        }

        @Test
        void aLateAddToCartAfterTheLastPurchaseStillWaitsItsHour() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("purchase", minutes(MONDAY_10AM, 5))
                    .event("app_open", minutes(MONDAY_10AM, 30))
                    .event("add_to_cart", minutes(MONDAY_10AM, 20)); // late, but after the purchase

            f.advanceTo(hours(MONDAY_10AM, 3));
            assertThat(f.only("cart_abandoned").fireTime()).isEqualTo(minutes(MONDAY_10AM, 80));
        }
    }

    @Nested
    class ErasureFiresWhatWasDueFirst {
        @Test
        void deadlinesAndStageChangesDueBeforeTheErasureAreEmittedBeforeItsDataGoes() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            for (int d = 1; d < 4; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d)); // four active days: ACTIVE
            }
            long lastLesson = days(MONDAY_10AM, 3);
            f.event("user_erased", hours(lastLesson, 80));

            assertThat(f.ruleIds()).contains("inactive_24h", "inactive_48h");
            assertThat(f.changes).extracting(StageChange::to, StageChange::changeTime)
                    .contains(tuple(Stage.AT_RISK, hours(lastLesson, 72)));
            assertThat(f.state).isNull();
        }

        @Test
        void aLateErasureErasesAndFiresNothingPastItsOwnTime() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM)
                    .event("app_open", hours(MONDAY_10AM, 20))
                    .event("user_erased", hours(MONDAY_10AM, 5)); // sent before the app_open, arriving after

            assertThat(f.state).isNull();
            assertThat(f.ruleIds()).isEmpty();
        }
    }

    @Nested
    class StageChangesOfLateEvents {
        @Test
        void aLatePassiveEventDoesNotUndoAStageChangeMadeAtTheNewestEvent() {
            long thursday = at("2026-03-05T00:00:00Z"); // a lesson at local midnight makes the fourth active day
            EngineFixture f = new EngineFixture().onboardedAt(at("2026-03-02T12:00:00Z"))
                    .event("lesson_completed", at("2026-03-03T12:00:00Z"))
                    .event("lesson_completed", at("2026-03-04T12:00:00Z"))
                    .event("lesson_completed", thursday)
                    .event("app_open", hours(thursday, -2)); // Wednesday 22:00, late

            assertThat(f.changes).extracting(StageChange::to).last().isEqualTo(Stage.ACTIVE);
            assertThat(f.changes).extracting(StageChange::changeTime).isSorted();
        }

        @Test
        void aChangeCausedByALateEventIsStampedWithTheUsersNewestEventTime() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM)
                    .event("app_open", days(MONDAY_10AM, 9)) // DORMANT since day 7
                    .event("lesson_completed", hours(days(MONDAY_10AM, 9), -2)); // late: the user came back

            assertThat(f.changes).last().extracting(StageChange::to, StageChange::changeTime)
                    .containsExactly(Stage.RETURNING, days(MONDAY_10AM, 9));
        }
    }

    /** A deferred trigger is dropped only by an event that removes its reason and came after that reason. */
    @Nested
    class DeferredTriggersAndLateEvents {
        @Test
        void aLatePurchaseFromBeforeTheAddToCartDoesNotCancelTheDeferredReminder() {
            EngineFixture f = new EngineFixture()
                    .apply(new Event("cart", EngineFixture.USER, "add_to_cart", at("2026-03-02T21:30:00Z"), null, 20.0, Map.of()))
                    .event("app_open", at("2026-03-02T23:00:00Z")) // cart_abandoned due 22:30: deferred to 08:00
                    .event("purchase", at("2026-03-02T21:00:00Z")) // late, and from before the cart
                    .advanceTo(at("2026-03-03T09:00:00Z"));

            assertThat(f.only("cart_abandoned").fireTime()).isEqualTo(at("2026-03-03T08:00:00Z"));
        }

        @Test
        void aLatePurchaseFromAfterTheAddToCartCancelsIt() {
            EngineFixture f = new EngineFixture()
                    .event("add_to_cart", at("2026-03-02T21:30:00Z"))
                    .event("app_open", at("2026-03-02T23:00:00Z"))
                    .event("purchase", at("2026-03-02T21:45:00Z")) // late: it was bought after all
                    .advanceTo(at("2026-03-03T09:00:00Z"));

            assertThat(f.ruleIds()).doesNotContain("cart_abandoned");
        }

        @Test
        void aPurchaseOlderThanTheLateToleranceNeverCancels() {
            EngineFixture f = new EngineFixture()
                    .event("add_to_cart", at("2026-03-02T21:30:00Z"))
                    .event("app_open", at("2026-03-02T23:00:00Z"))
                    .event("purchase", at("2026-02-27T12:00:00Z")) // days old
                    .advanceTo(at("2026-03-03T09:00:00Z"));

            assertThat(f.ruleIds()).contains("cart_abandoned");
        }

        @Test
        void aLatePassFromBeforeTheFailuresDoesNotCancelTheDeferredNudgeButOneAmongThemDoes() {
            EngineFixture before = quizTripleAtNight().event("quiz_passed", at("2026-03-02T21:00:00Z"))
                    .advanceTo(at("2026-03-03T09:00:00Z"));
            EngineFixture among = quizTripleAtNight().event("quiz_passed", at("2026-03-02T22:25:00Z"))
                    .advanceTo(at("2026-03-03T09:00:00Z"));

            assertThat(before.only("quiz_struggle").fireTime()).isEqualTo(at("2026-03-03T08:00:00Z"));
            assertThat(among.ruleIds()).doesNotContain("quiz_struggle");
        }

        private EngineFixture quizTripleAtNight() {
            return new EngineFixture()
                    .event("quiz_failed", at("2026-03-02T22:10:00Z"))
                    .event("quiz_failed", at("2026-03-02T22:20:00Z"))
                    .event("quiz_failed", at("2026-03-02T22:30:00Z")) // quiz_struggle, deferred to 08:00
                    .event("app_open", at("2026-03-02T23:00:00Z"));
        }
    }

    @Nested
    class FeaturesAndSignupsComingLate {
        @Test
        void aLateViewCompletesThreeWithin24hEvenAfterALaterViewOfAnotherFeature() {
            EngineFixture f = new EngineFixture()
                    .event("feature_viewed", MONDAY_10AM, null, null, Map.of("feature", "dark_mode"))
                    .event("feature_viewed", hours(MONDAY_10AM, 1), null, null, Map.of("feature", "dark_mode"))
                    .event("feature_viewed", hours(MONDAY_10AM, 25), null, null, Map.of("feature", "export"))
                    .event("feature_viewed", hours(MONDAY_10AM, 2), null, null, Map.of("feature", "dark_mode")); // late

            assertThat(f.only("feature_hesitation").attributes()).isEqualTo(Map.of("feature", "dark_mode"));
            assertThat(f.only("feature_hesitation").fireTime()).isEqualTo(hours(MONDAY_10AM, 2));
        }

        @Test
        void aGroupedRuleIgnoresEventsWithoutTheProperty() {
            EngineFixture f = new EngineFixture();
            for (int i = 0; i < 3; i++) {
                f.event("feature_viewed", minutes(MONDAY_10AM, i));
            }
            f.event("feature_viewed", hours(MONDAY_10AM, 1), null, null, Map.of("feature", "export"))
                    .event("feature_viewed", hours(MONDAY_10AM, 2), null, null, Map.of("feature", "export"))
                    .event("feature_used", hours(MONDAY_10AM, 3)) // which feature? none: it clears nothing
                    .event("feature_viewed", hours(MONDAY_10AM, 4), null, null, Map.of("feature", "export"));

            assertThat(f.only("feature_hesitation").attributes()).isEqualTo(Map.of("feature", "export"));
        }

        @Test
        void aLateSignupFromBeforeTheFirstSightingMovesTheOnboardingClockBack() {
            long mondayEvening = at("2026-03-02T20:00:00Z");
            EngineFixture f = new EngineFixture()
                    .event("app_open", mondayEvening)
                    .event("signup", at("2026-03-02T10:00:00Z")) // sent from the phone that morning
                    .advanceTo(at("2026-03-03T21:00:00Z"));

            assertThat(f.only("onboarding_stalled").fireTime()).isEqualTo(at("2026-03-03T10:00:00Z"));
        }

        @Test
        void aLateSignupWhoseDeadlineIsBehindTheUsersClockFiresAtOnceAtTheUsersClock() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", at("2026-03-02T09:00:00Z"))
                    .event("app_open", at("2026-03-03T08:00:00Z"))
                    .event("signup", at("2026-03-01T07:00:00Z")) // its 24 h ended on Monday morning
                    .advanceTo(at("2026-03-05T00:00:00Z"));

            FiredTrigger stalled = f.only("onboarding_stalled");
            assertThat(stalled.fireTime()).isEqualTo(at("2026-03-03T08:00:00Z"));
            assertThat(stalled.attributes()).isEqualTo(Map.of("next_step", "profile_completed"));
        }

        @Test
        void onboardingStalledFiresAtMostOnceEvenWhenTheFirstSignupComesAfterIt() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", MONDAY_10AM)
                    .advanceTo(hours(MONDAY_10AM, 25)) // stalled at Tuesday 10:00
                    .event("signup", hours(MONDAY_10AM, 26))
                    .advanceTo(days(MONDAY_10AM, 5));

            assertThat(f.only("onboarding_stalled").fireTime()).isEqualTo(hours(MONDAY_10AM, 24));
        }
    }

    @Nested
    class TimeZones {
        @Test
        void streakAtRiskFiresOnceADayEvenWhenAZoneChangeMovesItsEveningLater() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-02T09:00:00Z"), BERLIN)
                    .event("lesson_completed", at("2026-03-03T09:00:00Z"), BERLIN)
                    .advanceTo(at("2026-03-04T19:30:00Z")) // 20:00 in Berlin on Wednesday
                    .event("app_open", at("2026-03-04T21:00:00Z"), NEW_YORK) // 16:00 in New York, same Wednesday
                    .advanceTo(at("2026-03-05T02:00:00Z"));

            assertThat(f.only("streak_at_risk").fireTime()).isEqualTo(at("2026-03-04T19:00:00Z"));
        }

        @Test
        void aZoneCarriedOnlyByALateEventIsTheUsersZone() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .event("app_open", hours(MONDAY_10AM, 2))
                    .event("app_open", hours(MONDAY_10AM, 1), TOKYO) // late, the only zone ever sent
                    .event("payment_failed", hours(MONDAY_10AM, 4)); // 23:00 in Tokyo: quiet hours

            assertThat(f.state.zone()).isEqualTo(TOKYO);
            assertThat(f.ruleIds()).doesNotContain("payment_failed");
            f.advanceTo(days(MONDAY_10AM, 1));
            assertThat(f.only("payment_failed").fireTime()).isEqualTo(at("2026-03-02T23:00:00Z")); // 08:00 in Tokyo
        }

        @Test
        void theZoneOfTheNewestEventByEventTimeWinsWhateverTheArrivalOrder() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM, BERLIN)
                    .event("app_open", hours(MONDAY_10AM, 3))
                    .event("app_open", hours(MONDAY_10AM, 2), TOKYO) // late, newer than Berlin
                    .event("app_open", hours(MONDAY_10AM, 1), NEW_YORK); // late, older than Tokyo

            assertThat(f.state.zone()).isEqualTo(TOKYO);
        }
    }

    @Nested
    class QuizTriplesInEventTime {
        @Test
        void aLateFailureDoesNotCompleteATripleSpanningMoreThanTheHour() {
            EngineFixture f = new EngineFixture()
                    .event("quiz_failed", MONDAY_10AM)
                    .event("quiz_failed", minutes(MONDAY_10AM, 70))
                    .event("quiz_failed", minutes(MONDAY_10AM, 30)); // late: 10:00, 10:30, 11:10 span 70 min

            assertThat(f.ruleIds()).doesNotContain("quiz_struggle");
        }

        @Test
        void aLateFailureCompletesATripleWithinTheHourAroundIt() {
            EngineFixture f = new EngineFixture()
                    .event("quiz_failed", MONDAY_10AM)
                    .event("quiz_failed", minutes(MONDAY_10AM, 50))
                    .event("quiz_failed", minutes(MONDAY_10AM, 20));

            assertThat(f.only("quiz_struggle").fireTime()).isEqualTo(minutes(MONDAY_10AM, 20));
        }

        @Test
        void aLatePassWipesOnlyTheFailuresBeforeIt() {
            EngineFixture f = new EngineFixture()
                    .event("quiz_failed", MONDAY_10AM)
                    .event("quiz_passed", minutes(MONDAY_10AM, 30))
                    .event("quiz_failed", minutes(MONDAY_10AM, 40))
                    .event("quiz_failed", minutes(MONDAY_10AM, 50))
                    .event("quiz_passed", minutes(MONDAY_10AM, 10)) // late
                    .event("quiz_failed", minutes(MONDAY_10AM, 55));

            assertThat(f.only("quiz_struggle").fireTime()).isEqualTo(minutes(MONDAY_10AM, 55));
        }

        @Test
        void aLateFailureCompletingATripleThatAPassFollowedGivesNoNudge() {
            EngineFixture f = new EngineFixture()
                    .event("quiz_failed", MONDAY_10AM)
                    .event("quiz_failed", minutes(MONDAY_10AM, 10))
                    .event("quiz_passed", minutes(MONDAY_10AM, 30))
                    .event("quiz_failed", minutes(MONDAY_10AM, 20)); // late, before the pass

            assertThat(f.ruleIds()).doesNotContain("quiz_struggle");
        }
    }

    @Nested
    class ProductDecisions {
        @Test
        void whenReturningEndsAUserIdleFor96hIsAtRisk() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            for (int d = 1; d < 4; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d)); // ACTIVE
            }
            for (int d = 12; d < 16; d++) { // back after DORMANT: RETURNING from day 12
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }
            f.advanceTo(days(MONDAY_10AM, 20));

            assertThat(f.changes).extracting(StageChange::from, StageChange::to, StageChange::changeTime)
                    .contains(tuple(Stage.RETURNING, Stage.AT_RISK, days(MONDAY_10AM, 19)));
        }

        @Test
        void aTriggersStageIsTheStageAfterItsInstant() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM).advanceTo(days(MONDAY_10AM, 31));

            assertThat(f.only("winback_30d").stage()).isEqualTo(Stage.CHURNED); // CHURNED at the same instant
            assertThat(f.only("inactive_24h").stage()).isEqualTo(Stage.CASUAL);
        }
    }
}
