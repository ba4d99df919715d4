package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_10AM;
import static io.nudgeflow.domain.EngineFixture.hours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import io.nudgeflow.rules.RuleSetParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GuardrailsTest {
    private static final String NY = "America/New_York";

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static long minutes(long t, long m) {
        return t + Duration.ofMinutes(m).toMillis();
    }

    @Nested
    class FrequencyCap {
        @Test
        void theFourthTriggerOfALocalDayIsSuppressedAndTheNextLocalDayStartsAfresh() {
            // Tokyo is UTC+9: 14:00Z is 23:00 local, 15:30Z is 00:30 the next local day
            EngineFixture f = new EngineFixture();
            for (String time : List.of("2026-03-02T01:00:00Z", "2026-03-02T02:00:00Z", "2026-03-02T03:00:00Z",
                    "2026-03-02T04:00:00Z", "2026-03-02T23:30:00Z")) {
                f.event("lesson_completed", at(time), "Asia/Tokyo"); // lessons: no NUDGE, unaffected by quiet hours
                f.event("payment_failed", at(time), "Asia/Tokyo");
            }

            assertThat(f.triggers.stream().filter(t -> t.ruleId().equals("payment_failed")))
                    .extracting(FiredTrigger::fireTime, FiredTrigger::suppressedReason)
                    .containsExactly(
                            tuple(at("2026-03-02T01:00:00Z"), null),
                            tuple(at("2026-03-02T02:00:00Z"), null),
                            tuple(at("2026-03-02T03:00:00Z"), null),
                            tuple(at("2026-03-02T04:00:00Z"), "FREQUENCY_CAP"),
                            tuple(at("2026-03-02T23:30:00Z"), null));
        }

        @Test
        void milestonesAndStreaksCountTowardsTheCapToo() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM); // onboarding_completed: 1
            f.event("payment_failed", minutes(MONDAY_10AM, 1));
            f.event("payment_failed", minutes(MONDAY_10AM, 2));
            f.event("payment_failed", minutes(MONDAY_10AM, 3));

            assertThat(f.emitted()).hasSize(3);
            assertThat(f.suppressed()).extracting(FiredTrigger::suppressedReason).containsExactly("FREQUENCY_CAP");
        }
    }

    @Nested
    class QuietHours {
        @Test
        void aReengagementDueAt11pmLocalIsDeferredTo8am() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", at("2026-03-03T04:00:00Z"), NY) // 23:00 EST on 03-02
                    .advanceTo(at("2026-03-05T00:00:00Z"));

            FiredTrigger deferred = f.only("inactive_24h");
            // due 23:00 local on 03-03 (24 h after the lesson), deferred to 08:00 EST on 03-04
            assertThat(deferred.fireTime()).isEqualTo(at("2026-03-04T13:00:00Z"));
            assertThat(deferred.attributes()).isEqualTo(Map.of("hours_inactive", "24"));
            assertThat(f.state.deferredTriggers()).isEmpty();
        }

        @Test
        void theDeferredTriggerIsDroppedWhenItsReasonDisappears() {
            EngineFixture active = new EngineFixture()
                    .event("lesson_completed", at("2026-03-03T04:00:00Z"), NY)
                    .advanceTo(at("2026-03-04T05:00:00Z")) // past the 24 h deadline at 23:00: deferred
                    .event("lesson_completed", at("2026-03-04T11:00:00Z"), NY) // 06:00 local, before 08:00
                    .advanceTo(at("2026-03-04T20:00:00Z"));
            assertThat(active.ruleIds()).doesNotContain("inactive_24h");

            EngineFixture bought = new EngineFixture()
                    .event("add_to_cart", at("2026-03-03T02:30:00Z"), NY) // 21:30 local: due 22:30, deferred
                    .event("purchase", at("2026-03-03T12:00:00Z"), NY)    // 07:00 local
                    .advanceTo(at("2026-03-03T20:00:00Z"));
            assertThat(bought.ruleIds()).doesNotContain("cart_abandoned");
            assertThat(bought.state.deferredTriggers()).isEmpty();
        }

        @Test
        void streaksAndMilestonesAreAnswersAndFireAtOnce() {
            EngineFixture f = new EngineFixture();
            for (int d = 0; d < 3; d++) {
                f.event("lesson_completed", hours(at("2026-03-02T04:30:00Z"), 24 * d), NY); // 23:30 local
            }

            assertThat(f.only("streak_3").fireTime()).isEqualTo(at("2026-03-04T04:30:00Z"));
        }

        @Test
        void theDeferralEndsAt8amLocalAcrossTheSpringForwardNight() {
            EngineFixture f = new EngineFixture()
                    .event("payment_failed", at("2026-03-08T04:00:00Z"), NY) // 23:00 EST on 03-07
                    .advanceTo(at("2026-03-09T00:00:00Z"));

            assertThat(f.only("payment_failed").fireTime()).isEqualTo(at("2026-03-08T12:00:00Z")); // 08:00 EDT
        }

        @Test
        void aLateEventWhoseQuietHoursAreAlreadyOverGoesOutAtOnceAndLeavesNothingWaiting() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", at("2026-03-03T10:00:00Z"))
                    .event("payment_failed", at("2026-03-02T23:00:00Z")); // 11 h late, within the tolerance

            // SPEC 6: out at once, at the user's clock (its newest event), not at an 08:00 already behind it
            assertThat(f.only("payment_failed").fireTime()).isEqualTo(at("2026-03-03T10:00:00Z"));
            assertThat(f.state.deferredTriggers()).isEmpty();
        }

        @Test
        void aDeferredTriggerTakesTheCapOfTheDayItGoesOut() {
            EngineFixture f = new EngineFixture().event("payment_failed", at("2026-03-02T23:00:00Z")); // deferred to 03-03 08:00
            for (String time : List.of("2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z")) {
                f.event("payment_failed", at(time));
            }

            assertThat(f.triggers).extracting(FiredTrigger::fireTime, FiredTrigger::suppressedReason).containsExactly(
                    tuple(at("2026-03-03T08:00:00Z"), null),
                    tuple(at("2026-03-03T09:00:00Z"), null),
                    tuple(at("2026-03-03T10:00:00Z"), null),
                    tuple(at("2026-03-03T11:00:00Z"), "FREQUENCY_CAP"));
        }
    }

    @Nested
    class Consent {
        @Test
        void optedOutTriggersAreSuppressedWhileSegmentChangesContinueUntilOptIn() {
            EngineFixture f = new EngineFixture()
                    .event("notifications_opt_out", MONDAY_10AM)
                    .onboardedAt(hours(MONDAY_10AM, 3))
                    .event("notifications_opt_in", hours(MONDAY_10AM, 4))
                    .event("payment_failed", hours(MONDAY_10AM, 5));

            assertThat(f.triggers).extracting(FiredTrigger::ruleId, FiredTrigger::suppressedReason).containsExactly(
                    tuple("onboarding_completed", "OPTED_OUT"),
                    tuple("payment_failed", null));
            assertThat(f.stages()).containsExactly(Stage.NEW, Stage.CASUAL);
        }
    }

    @Nested
    class Erasure {
        @Test
        void erasureDropsAllStateAndALaterEventIsAFirstSightingAgain() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM).event("add_to_cart", hours(MONDAY_10AM, 1));

            f.event("user_erased", hours(MONDAY_10AM, 2));
            assertThat(f.state).isNull();

            int before = f.changes.size();
            f.event("app_open", hours(MONDAY_10AM, 3));
            assertThat(f.changes.subList(before, f.changes.size()))
                    .containsExactly(new StageChange("u1", null, Stage.NEW, hours(MONDAY_10AM, 3), "first_sighting"));
        }
    }

    @Nested
    class Staleness {
        @Test
        void liveDeadlineTriggersMoreThanAnHourLateAreStaleButOnTimeOnesAreNot() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM);
            f.wallNow = hours(MONDAY_10AM, 25); // 1 h after the 24 h deadline: still fine
            f.advanceTo(hours(MONDAY_10AM, 25));
            f.wallNow = hours(MONDAY_10AM, 60); // an outage: the 48 h deadline is 12 h old when processed
            f.advanceTo(hours(MONDAY_10AM, 60));

            assertThat(f.triggers).extracting(FiredTrigger::ruleId, FiredTrigger::suppressedReason).containsExactly(
                    tuple("inactive_24h", null), tuple("onboarding_stalled", null), tuple("inactive_48h", "STALE"));
        }

        @Test
        void aStaleTriggerStillCountsAgainstTheDaysCapSoTheRestOfTheDayIsDecidedAsReplayDecidesIt() {
            RuleSet rules = RuleSetParser.parse("""
                    version: t
                    active_events: [lesson_completed]
                    onboarding: {checklist: [lesson_completed]}
                    guardrails: {quiet_hours: off, frequency_cap_per_local_day: 2, staleness: 2h}
                    rules:
                      - {id: idle_1h, kind: REENGAGEMENT, type: inactivity, after: 1h}
                      - {id: idle_2h, kind: REENGAGEMENT, type: inactivity, after: 2h}
                      - {id: idle_3h, kind: REENGAGEMENT, type: inactivity, after: 3h}
                    """, "t.yaml");
            EngineFixture replay = new EngineFixture(rules).event("lesson_completed", MONDAY_10AM);
            replay.timer(hours(MONDAY_10AM, 5));
            EngineFixture live = new EngineFixture(rules).event("lesson_completed", MONDAY_10AM);
            live.wallNow = minutes(hours(MONDAY_10AM, 4), 30); // restored after an outage: 11:00 and 12:00 are stale

            live.timer(hours(MONDAY_10AM, 4));

            assertThat(replay.triggers).extracting(FiredTrigger::ruleId, FiredTrigger::suppressedReason).containsExactly(
                    tuple("idle_1h", null), tuple("idle_2h", null), tuple("idle_3h", "FREQUENCY_CAP"));
            assertThat(live.triggers).extracting(FiredTrigger::ruleId, FiredTrigger::suppressedReason).containsExactly(
                    tuple("idle_1h", "STALE"), tuple("idle_2h", "STALE"), tuple("idle_3h", "FREQUENCY_CAP"));
            assertThat(UserStateCodec.encode(live.state)).as("staleness never changes the user's state")
                    .isEqualTo(UserStateCodec.encode(replay.state));
        }

        @Test
        void replayHasNoWallClockSoNothingIsStale() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM).advanceTo(hours(MONDAY_10AM, 60));

            assertThat(f.suppressed()).isEmpty();
        }
    }

    @Nested
    class Experiments {
        private final RuleSet rules = RuleSetParser.parse("""
                version: t
                active_events: [lesson_completed]
                onboarding: {checklist: [lesson_completed]}
                guardrails: {quiet_hours: off}
                rules:
                  - id: failed
                    kind: NUDGE
                    type: on_event
                    event: payment_failed
                    attributes: {channel: push}
                    experiment:
                      id: rescue-copy
                      holdout: 0.2
                      variants:
                        - {name: short, weight: 1, attributes: {copy: short}}
                        - {name: long, weight: 3, attributes: {copy: long}}
                """, "t.yaml");

        @Test
        void armsAreStableHashesOfUserAndExperimentWithTheConfiguredShares() {
            UserEngine engine = new UserEngine(rules);
            List<FiredTrigger> out = new ArrayList<>();
            EngineOutput collect = new EngineOutput() {
                @Override
                public void trigger(FiredTrigger t) {
                    out.add(t);
                }

                @Override
                public void outcome(io.nudgeflow.domain.Outcome outcome) {}

                @Override
                public void stageChange(StageChange c) {}
            };
            int users = 10_000;
            for (int i = 0; i < users; i++) {
                engine.onEvent(null, new Event("e", "user-" + i, "payment_failed", MONDAY_10AM, null, null, Map.of()),
                        UserEngine.NO_WALL_CLOCK, collect);
            }

            long holdout = out.stream().filter(t -> "HOLDOUT".equals(t.suppressedReason())).count();
            long shortArm = out.stream().filter(t -> "short".equals(t.variant())).count();
            long longArm = out.stream().filter(t -> "long".equals(t.variant())).count();
            assertThat(holdout / (double) users).isCloseTo(0.2, within(0.02));
            assertThat(shortArm / (double) users).isCloseTo(0.2, within(0.02));
            assertThat(longArm / (double) users).isCloseTo(0.6, within(0.02));
            assertThat(out.stream().filter(t -> "long".equals(t.variant())).findFirst().orElseThrow().attributes())
                    .isEqualTo(Map.of("channel", "push", "copy", "long"));
            assertThat(out.stream().filter(t -> "HOLDOUT".equals(t.suppressedReason()))).allMatch(t -> t.variant() == null);

            Experiment experiment = rules.rules().get(0).header().experiment();
            for (int i = 0; i < 100; i++) {
                FiredTrigger t = out.get(i);
                Experiment.Assignment again = experiment.assign(t.userId());
                assertThat(again.holdout()).isEqualTo("HOLDOUT".equals(t.suppressedReason()));
                assertThat(again.variant() == null ? null : again.variant().name()).isEqualTo(t.variant());
            }
        }
    }
}
