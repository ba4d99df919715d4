package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_10AM;
import static io.nudgeflow.domain.EngineFixture.MONDAY_9AM;
import static io.nudgeflow.domain.EngineFixture.days;
import static io.nudgeflow.domain.EngineFixture.hours;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UserEngineTest {

    @Nested
    class FirstSighting {
        @Test
        void emitsASegmentChangeFromNullToNew() {
            EngineFixture f = new EngineFixture().event("signup", MONDAY_9AM);

            assertThat(f.changes).containsExactly(new StageChange("u1", null, Stage.NEW, MONDAY_9AM, "first_sighting"));
            assertThat(f.triggers).isEmpty();
        }
    }

    @Nested
    class Inactivity {
        @Test
        void firesReengagementAt24hAnd48hAfterTheLastActiveEvent() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM).advanceTo(days(MONDAY_10AM, 3));

            FiredTrigger first = f.only("inactive_24h");
            assertThat(first.fireTime()).isEqualTo(hours(MONDAY_10AM, 24));
            assertThat(first.kind()).isEqualTo(TriggerKind.REENGAGEMENT);
            assertThat(first.attributes()).isEqualTo(Map.of("hours_inactive", "24"));
            assertThat(first.causeEventId()).isNull();
            assertThat(f.only("inactive_48h").fireTime()).isEqualTo(hours(MONDAY_10AM, 48));
            assertThat(f.only("inactive_48h").attributes()).isEqualTo(Map.of("hours_inactive", "48"));
        }

        @Test
        void passiveEventsDoNotResetInactivity() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .event("app_open", hours(MONDAY_10AM, 20))
                    .advanceTo(hours(MONDAY_10AM, 25));

            assertThat(f.only("inactive_24h").fireTime()).isEqualTo(hours(MONDAY_10AM, 24));
        }

        @Test
        void firesOncePerInactivityPeriodAndNewActivityRearmsIt() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .advanceTo(hours(MONDAY_10AM, 25))
                    .advanceTo(hours(MONDAY_10AM, 26))
                    .event("lesson_completed", hours(MONDAY_10AM, 30))
                    .advanceTo(hours(MONDAY_10AM, 60));

            assertThat(f.triggers.stream().filter(t -> t.ruleId().equals("inactive_24h")).map(FiredTrigger::fireTime))
                    .containsExactly(hours(MONDAY_10AM, 24), hours(MONDAY_10AM, 54));
            assertThat(f.ruleIds()).doesNotContain("inactive_48h");
        }

        @Test
        void anActiveEventAtTheDeadlineInstantWinsTheTie() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .event("lesson_completed", hours(MONDAY_10AM, 24));

            assertThat(f.ruleIds()).doesNotContain("inactive_24h");
        }

        @Test
        void deadlinesBeforeTheNextEventFireFirstInTimeOrder() {
            EngineFixture f = new EngineFixture()
                    .event("lesson_completed", MONDAY_10AM)
                    .event("app_open", hours(MONDAY_10AM, 50));

            assertThat(f.triggers).extracting(FiredTrigger::ruleId, FiredTrigger::fireTime).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("inactive_24h", hours(MONDAY_10AM, 24)),
                    org.assertj.core.groups.Tuple.tuple("onboarding_stalled", hours(MONDAY_10AM, 24)),
                    org.assertj.core.groups.Tuple.tuple("inactive_48h", hours(MONDAY_10AM, 48)));
        }

        @Test
        void nextDeadlineIsTheEarliestOfRulesAndLifecycle() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM);

            assertThat(f.engine.nextDeadline(f.state)).isEqualTo(hours(MONDAY_10AM, 24));
            f.advanceTo(hours(MONDAY_10AM, 24));
            assertThat(f.engine.nextDeadline(f.state)).isEqualTo(hours(MONDAY_10AM, 48));
        }

        @Test
        void triggerIdsAreDeterministic() {
            EngineFixture a = new EngineFixture().event("lesson_completed", MONDAY_10AM).advanceTo(days(MONDAY_10AM, 2));
            EngineFixture b = new EngineFixture().event("lesson_completed", MONDAY_10AM).advanceTo(days(MONDAY_10AM, 2));

            assertThat(a.triggers).extracting(FiredTrigger::triggerId)
                    .containsExactlyElementsOf(b.triggers.stream().map(FiredTrigger::triggerId).toList())
                    .doesNotHaveDuplicates();
        }
    }

    @Nested
    class Onboarding {
        @Test
        void completingTheChecklistFiresTheMilestoneOnceAndLeavesNew() {
            long done = hours(MONDAY_9AM, 3);
            EngineFixture f = new EngineFixture().onboardedAt(done).event("lesson_completed", hours(done, 1));

            FiredTrigger milestone = f.only("onboarding_completed");
            assertThat(milestone.fireTime()).isEqualTo(done);
            assertThat(milestone.kind()).isEqualTo(TriggerKind.MILESTONE);
            assertThat(milestone.stage()).isEqualTo(Stage.CASUAL);
            assertThat(milestone.causeEventId()).isEqualTo("e2");
            assertThat(f.changes).extracting(StageChange::to, StageChange::changeTime, StageChange::reason).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Stage.NEW, hours(done, -2), "first_sighting"),
                    org.assertj.core.groups.Tuple.tuple(Stage.CASUAL, done, "onboarding_completed"));
        }

        @Test
        void stalledNudgeNamesTheFirstMissingStepInChecklistOrder() {
            EngineFixture f = new EngineFixture()
                    .event("signup", MONDAY_9AM)
                    .event("goal_set", hours(MONDAY_9AM, 1))
                    .advanceTo(days(MONDAY_9AM, 2));

            FiredTrigger stalled = f.only("onboarding_stalled");
            assertThat(stalled.fireTime()).isEqualTo(hours(MONDAY_9AM, 24));
            assertThat(stalled.attributes()).isEqualTo(Map.of("next_step", "profile_completed"));

            EngineFixture g = new EngineFixture()
                    .event("profile_completed", MONDAY_9AM)
                    .event("goal_set", hours(MONDAY_9AM, 1))
                    .advanceTo(days(MONDAY_9AM, 2));
            assertThat(g.only("onboarding_stalled").attributes()).isEqualTo(Map.of("next_step", "lesson_completed"));
        }

        @Test
        void noStalledNudgeWhenTheChecklistIsCompleteInTime() {
            EngineFixture f = new EngineFixture().event("signup", MONDAY_9AM).onboardedAt(hours(MONDAY_9AM, 5))
                    .advanceTo(days(MONDAY_9AM, 3));

            assertThat(f.ruleIds()).doesNotContain("onboarding_stalled");
        }

        @Test
        void aSignupAfterTheFirstSightingRestartsTheOnboardingClockOnce() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", MONDAY_9AM)
                    .event("signup", hours(MONDAY_9AM, 10))
                    .event("signup", hours(MONDAY_9AM, 20))
                    .advanceTo(days(MONDAY_9AM, 3));

            assertThat(f.only("onboarding_stalled").fireTime()).isEqualTo(hours(MONDAY_9AM, 34));
        }
    }

    @Nested
    class LifecycleStages {
        @Test
        void climbsFromNewThroughCasualAndActiveToHighlyActiveByActiveDays() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            for (int d = 1; d <= 11; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }

            assertThat(f.changes).extracting(StageChange::to, StageChange::changeTime).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Stage.NEW, hours(MONDAY_10AM, -2)),
                    org.assertj.core.groups.Tuple.tuple(Stage.CASUAL, MONDAY_10AM),
                    org.assertj.core.groups.Tuple.tuple(Stage.ACTIVE, days(MONDAY_10AM, 3)),
                    org.assertj.core.groups.Tuple.tuple(Stage.HIGHLY_ACTIVE, days(MONDAY_10AM, 11)));
            assertThat(f.changes.get(2).reason()).isEqualTo("active_days=4");
        }

        @Test
        void anActiveUserWhoStopsGoesAtRiskDormantChurnedAndGetsTheWinback() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            for (int d = 1; d <= 3; d++) {
                f.event("lesson_completed", days(MONDAY_10AM, d));
            }
            long last = days(MONDAY_10AM, 3);
            f.advanceTo(days(last, 31));

            assertThat(f.changes.subList(2, f.changes.size())).extracting(StageChange::to, StageChange::changeTime, StageChange::reason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Stage.ACTIVE, last, "active_days=4"),
                            org.assertj.core.groups.Tuple.tuple(Stage.AT_RISK, hours(last, 72), "inactive_for_72h"),
                            org.assertj.core.groups.Tuple.tuple(Stage.DORMANT, days(last, 7), "inactive_for_7d"),
                            org.assertj.core.groups.Tuple.tuple(Stage.CHURNED, days(last, 30), "inactive_for_30d"));
            FiredTrigger winback = f.only("winback_30d");
            assertThat(winback.fireTime()).isEqualTo(days(last, 30));
            assertThat(winback.attributes()).isEqualTo(Map.of("offer", "discount_10"));
            assertThat(winback.stage()).isEqualTo(Stage.CHURNED);
            assertThat(f.engine.nextDeadline(f.state)).as("the winback's outcome window is open for 48 h")
                    .isEqualTo(days(last, 32));
            f.advanceTo(days(last, 33));
            assertThat(f.outcomes).filteredOn(o -> o.ruleId().equals("winback_30d"))
                    .extracting(Outcome::converted, Outcome::end).containsExactly(org.assertj.core.groups.Tuple.tuple(false, Outcome.End.WINDOW_ENDED));
            assertThat(f.engine.nextDeadline(f.state)).as("a churned user has nothing left to wait for").isEqualTo(UserState.NONE);
        }

        @Test
        void aCasualUserWhoStopsIsNeverAtRiskButGoesDormant() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM).advanceTo(days(MONDAY_10AM, 8));

            assertThat(f.stages()).containsExactly(Stage.NEW, Stage.CASUAL, Stage.DORMANT);
        }

        @Test
        void aDormantUserWhoComesBackIsReturningForSevenDaysThenActivityDecides() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
            long back = days(MONDAY_10AM, 9);
            f.event("lesson_completed", back);
            for (int d = 1; d <= 8; d++) {
                f.event("lesson_completed", hours(days(back, d), 2));
            }

            assertThat(f.changes).extracting(StageChange::to, StageChange::changeTime, StageChange::reason).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Stage.NEW, hours(MONDAY_10AM, -2), "first_sighting"),
                    org.assertj.core.groups.Tuple.tuple(Stage.CASUAL, MONDAY_10AM, "onboarding_completed"),
                    org.assertj.core.groups.Tuple.tuple(Stage.DORMANT, days(MONDAY_10AM, 7), "inactive_for_7d"),
                    org.assertj.core.groups.Tuple.tuple(Stage.RETURNING, back, "active_again_after_dormant"),
                    // day 0, the return day and six more days: 8 active days in the trailing 28
                    org.assertj.core.groups.Tuple.tuple(Stage.ACTIVE, days(back, 7), "active_days=8"));
        }
    }

    @Nested
    class TimeZonesAndOrder {
        @Test
        void activeDaysAreCalendarDaysInTheUsersZone() {
            long lateEvening = Instant.parse("2026-03-02T15:30:00Z").toEpochMilli(); // 23:30 in Shanghai
            long afterMidnight = Instant.parse("2026-03-02T16:30:00Z").toEpochMilli(); // 00:30 next day there
            EngineFixture shanghai = new EngineFixture()
                    .event("lesson_completed", lateEvening, "Asia/Shanghai")
                    .event("lesson_completed", afterMidnight, "Asia/Shanghai");
            EngineFixture utc = new EngineFixture()
                    .event("lesson_completed", lateEvening)
                    .event("lesson_completed", afterMidnight);

            int shanghaiDay = LocalCalendar.epochDay(afterMidnight, "Asia/Shanghai");
            assertThat(shanghai.state.activeDaysInWindow(shanghaiDay, 28)).isEqualTo(2);
            assertThat(utc.state.activeDaysInWindow(LocalCalendar.epochDay(afterMidnight, null), 28)).isEqualTo(1);
        }

        @Test
        void theLatestZoneSeenWinsAndEventsWithoutZoneKeepIt() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", MONDAY_9AM, "Asia/Tokyo")
                    .event("app_open", hours(MONDAY_9AM, 1));
            assertThat(f.state.zone()).isEqualTo("Asia/Tokyo");

            f.event("app_open", hours(MONDAY_9AM, 2), "Europe/Paris");
            assertThat(f.state.zone()).isEqualTo("Europe/Paris");

            f.event("app_open", hours(MONDAY_9AM, -1), "America/Chicago"); // older: does not win
            assertThat(f.state.zone()).isEqualTo("Europe/Paris");
        }

        @Test
        void anEventUpTo24hOutOfOrderStillCountsItsActiveDay() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", days(MONDAY_10AM, 1))
                    .event("lesson_completed", MONDAY_10AM);

            assertThat(f.late).isEmpty();
            assertThat(f.state.activeDaysInWindow(LocalCalendar.epochDay(days(MONDAY_10AM, 1), null), 28)).isEqualTo(1);
            assertThat(f.state.lastActive()).isEqualTo(MONDAY_10AM);
        }

        @Test
        void anEventMoreThan24hOutOfOrderIsCountedAsLateAndLeavesActivityAlone() {
            EngineFixture f = new EngineFixture()
                    .event("app_open", hours(MONDAY_10AM, 25))
                    .event("lesson_completed", MONDAY_10AM);

            assertThat(f.late).hasSize(1);
            assertThat(f.state.lastActive()).isEqualTo(UserState.NONE);
        }
    }

    @Nested
    class Dedup {
        @Test
        void anEventIdSeenWithin24hIsIgnored() {
            EngineFixture f = new EngineFixture();
            Event lesson = new Event("same-id", "u1", "lesson_completed", MONDAY_10AM, null, null, Map.of());
            f.apply(lesson);
            byte[] before = UserStateCodec.encode(f.state);
            int outputs = f.triggers.size() + f.changes.size();

            f.apply(new Event("same-id", "u1", "lesson_completed", hours(MONDAY_10AM, 23), null, null, Map.of()));

            assertThat(f.duplicates).hasSize(1);
            assertThat(UserStateCodec.encode(f.state)).isEqualTo(before);
            assertThat(f.triggers.size() + f.changes.size()).isEqualTo(outputs);
        }

        @Test
        void anIdleUsersIdsAreForgottenOnceTheClockPassesTheWindow() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM).event("app_open", hours(MONDAY_10AM, 1));
            assertThat(f.state.recentEventIdCount()).isEqualTo(2);

            f.advanceTo(hours(MONDAY_10AM, 24));
            assertThat(f.state.recentEventIdCount()).as("exactly 24 h is still within the window").isEqualTo(2);
            f.advanceTo(EngineFixture.plus(hours(MONDAY_10AM, 24), java.time.Duration.ofMinutes(30)));
            assertThat(f.state.recentEventIdCount()).as("the lesson is 24.5 h old, the app_open 23.5 h").isEqualTo(1);
            f.advanceTo(hours(MONDAY_10AM, 26));
            assertThat(f.state.recentEventIdCount()).isZero();
        }

        @Test
        void idsOlderThanTheWindowAreForgottenSoTheSetStaysBounded() {
            EngineFixture f = new EngineFixture();
            for (int h = 0; h < 100; h++) {
                f.event("app_open", hours(MONDAY_10AM, h));
            }
            assertThat(f.state.recentEventIdCount()).isEqualTo(25); // hours 75..99 are within 24 h of the newest

            f.apply(new Event("e0", "u1", "app_open", hours(MONDAY_10AM, 100), null, null, Map.of()));
            assertThat(f.duplicates).as("e0 was seen 100 h ago: outside the window, so processed").isEmpty();
        }
    }

    /** Live, the job's time (the input's watermark) fires a user's timer between their events. */
    @Nested
    class TheInputsTime {
        @Test
        void aTimerFiresTheDeadlinesUpToItAndMovesTheUsersClockOnlyThatFar() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);

            f.timer(days(MONDAY_10AM, 8)); // the input is read 8 days on; the last deadline due was DORMANT at 7 days

            assertThat(f.stages()).endsWith(Stage.DORMANT);
            assertThat(f.state.clock()).isEqualTo(days(MONDAY_10AM, 7));
            f.event("lesson_completed", hours(days(MONDAY_10AM, 7), 12));
            assertThat(f.lateAfterDeadline).as("nothing had been decided after 7 days").isEmpty();
            assertThat(f.changes.get(f.changes.size() - 1))
                    .as("stamped with the lesson's time, as replay stamps it, not with the job's time")
                    .isEqualTo(new StageChange("u1", Stage.DORMANT, Stage.RETURNING, hours(days(MONDAY_10AM, 7), 12),
                            "active_again_after_dormant"));
        }

        @Test
        void aTimerSetEarlyDecidesNothing() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM);
            UserState before = UserStateCodec.decode(UserStateCodec.encode(f.state));

            f.timer(hours(MONDAY_10AM, 20));

            assertThat(f.triggers).isEmpty();
            assertThat(f.state.clock()).isEqualTo(before.clock());
            f.event("lesson_completed", hours(MONDAY_10AM, 19));
            assertThat(f.lateAfterDeadline).isEmpty();
        }

        @Test
        void anEventFromBeforeADeadlineThatAlreadyFiredIsLateItCountsButWhatFiredStands() {
            EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM).timer(hours(MONDAY_10AM, 25));
            assertThat(f.ruleIds()).containsExactly("onboarding_completed", "inactive_24h");

            // an offline lesson from 23 h after the first reaches the job only now
            f.event("lesson_completed", hours(MONDAY_10AM, 23));

            assertThat(f.lateAfterDeadline).extracting(Event::time).containsExactly(hours(MONDAY_10AM, 23));
            assertThat(f.ruleIds()).as("what fired stands, nothing fires again at once")
                    .containsExactly("onboarding_completed", "inactive_24h");
            assertThat(f.state.lastActive()).as("the lesson counts: the next inactivity runs from it")
                    .isEqualTo(hours(MONDAY_10AM, 23));
            f.timer(hours(MONDAY_10AM, 47));
            assertThat(f.triggers).filteredOn(t -> t.ruleId().equals("inactive_24h")).extracting(FiredTrigger::fireTime)
                    .containsExactly(hours(MONDAY_10AM, 24), hours(MONDAY_10AM, 47));
        }

        @Test
        void anEventAtTheVeryInstantOfADeadlineThatFiredIsLateForItWouldHaveWonTheTie() {
            EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM).timer(hours(MONDAY_10AM, 24));

            f.event("lesson_completed", hours(MONDAY_10AM, 24));

            assertThat(f.lateAfterDeadline).hasSize(1);
        }
    }
}
