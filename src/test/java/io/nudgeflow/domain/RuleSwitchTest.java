package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_9AM;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What happens to a user's state when the rules change (README, "Changing rules live"), case by case. The
 * switch takes effect at {@link #SWITCH}; the driver plays the operator: it takes the new timeline and
 * checks the user's timer again, then the job's time moves on.
 */
class RuleSwitchTest {
    static final long SWITCH = MONDAY_9AM + Duration.ofHours(3).toMillis(); // 12:00 UTC
    private static final RuleSet DEFAULT = RuleSetParser.loadDefault();
    private int seq;

    private static long at(long base, String duration) {
        return duration.startsWith("-") ? base - Durations.parse(duration.substring(1)).toMillis()
                : base + Durations.parse(duration).toMillis();
    }

    private Event event(String type, long time) {
        return new Event("e" + seq++, "u1", type, time, null, null, Map.of());
    }

    private static RuleSet rules(String version, String... replacements) {
        String text = RuleSetParser.defaultText().replace("version: default-2026-11-22", "version: " + version);
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(text).as("the test's edit applies").contains(replacements[i]);
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        return RuleSetParser.parse(text, version + ".yaml");
    }

    private static RulesTimeline switchingTo(RuleSet next) {
        return RulesTimeline.of(DEFAULT).switchTo(next, SWITCH, "topic:nudgeflow-rules/0@0", null);
    }

    private static List<FiredTrigger> triggers(EngineDriver d, String ruleId) {
        return d.outputs.stream().filter(o -> o instanceof FiredTrigger t && t.ruleId().equals(ruleId))
                .map(FiredTrigger.class::cast).toList();
    }

    private static final String NEW_INACTIVITY_RULE = """
              - id: inactive_2h
                kind: NUDGE
                type: inactivity
                after: 2h
                attributes: {hours_inactive: "{hours_inactive}"}
            """;

    @Nested
    class ANewRule {
        private final RuleSet withRule = rules("new-rule", "rules:\n", "rules:\n" + NEW_INACTIVITY_RULE);

        @Test
        void startsFromWhatTheStateAlreadyHoldsAndFiresOnTimeForAUserWhoSendsNothingMore() {
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            long lastLesson = at(SWITCH, "-1h");
            user.event(event("lesson_completed", lastLesson));
            user.watermark(at(SWITCH, "-1m"));
            user.switchTo(switchingTo(withRule));

            assertThat(user.timer()).as("the user's timer moved to the new rule's deadline").isEqualTo(at(lastLesson, "2h"));
            user.watermark(at(lastLesson, "2h"));
            assertThat(triggers(user, "inactive_2h")).singleElement().satisfies(t -> {
                assertThat(t.fireTime()).isEqualTo(at(lastLesson, "2h"));
                assertThat(t.ruleSetVersion()).isEqualTo("new-rule");
            });
        }

        @Test
        void doesNotFireForWhatLayBeforeItExisted() {
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            user.event(event("lesson_completed", at(SWITCH, "-3h"))); // 2 h inactive before the rule existed
            user.switchTo(switchingTo(withRule));
            user.watermark(at(SWITCH, "20h"));
            assertThat(triggers(user, "inactive_2h")).isEmpty();

            user.event(event("lesson_completed", at(SWITCH, "21h"))); // a new inactivity period: now it counts
            user.watermark(at(SWITCH, "23h"));
            assertThat(triggers(user, "inactive_2h")).extracting(FiredTrigger::fireTime).containsExactly(at(SWITCH, "23h"));
        }

        @Test
        void countsFromTheSharedCounterWhenARuleAlreadyCountedTheEventElseFromTheSwitch() {
            RuleSet counting = rules("counting", "rules:\n", """
                    rules:
                      - id: lessons_3
                        kind: MILESTONE
                        type: count
                        event: lesson_completed
                        count: 3
                      - id: workouts_2
                        kind: MILESTONE
                        type: count
                        event: workout_completed
                        count: 2
                    """);
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            for (int i = 0; i < 2; i++) {
                user.event(event("lesson_completed", at(SWITCH, "-" + (60 - i) + "m")));
                user.event(event("workout_completed", at(SWITCH, "-" + (50 - i) + "m")));
            }
            user.switchTo(switchingTo(counting));
            user.event(event("lesson_completed", at(SWITCH, "1m"))); // lessons_10 kept the count: this is the 3rd
            user.event(event("workout_completed", at(SWITCH, "2m"))); // no rule counted workouts: the 1st
            assertThat(triggers(user, "lessons_3")).extracting(FiredTrigger::fireTime).containsExactly(at(SWITCH, "1m"));
            assertThat(triggers(user, "workouts_2")).isEmpty();
            user.event(event("workout_completed", at(SWITCH, "3m")));
            assertThat(triggers(user, "workouts_2")).extracting(FiredTrigger::fireTime).containsExactly(at(SWITCH, "3m"));
        }
    }

    @Nested
    class ARemovedRule {
        @Test
        void losesItsMemoryAndPendingDeadline() {
            RuleSet withoutCart = rules("no-cart", """
                      - id: cart_abandoned
                        kind: NUDGE
                        type: not_followed         # 1 h after the latest add_to_cart, if no purchase since
                        event: add_to_cart
                        followed_by: purchase
                        within: 1h
                        attributes: {cart_value: "{value}"}    # an attribute that renders empty (value unknown) is left out
                    """, "");
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            user.event(event("add_to_cart", at(SWITCH, "-30m")));
            int slotsBefore = user.state().memory.size();
            user.switchTo(switchingTo(withoutCart));
            user.watermark(at(SWITCH, "2h"));
            assertThat(triggers(user, "cart_abandoned")).isEmpty();
            user.event(event("app_open", at(SWITCH, "2h") + 1));
            assertThat(user.state().memory.size()).as("the pending cart's slots went").isLessThan(slotsBefore);
        }

        @Test
        void removedAndAddedAgainStartsFromNothingEvenForAUserIdleInBetween() {
            RuleSet withoutQuiz = rules("no-quiz", "  - id: quiz_struggle\n", "  - id: quiz_struggle_gone\n",
                    "    event: quiz_failed\n    count: 3", "    event: quiz_never\n    count: 3");
            RulesTimeline removedThenBack = switchingTo(withoutQuiz).switchTo(DEFAULT, at(SWITCH, "10m"), "topic:t/0@1", null);
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            user.event(event("quiz_failed", at(SWITCH, "-20m")));
            user.event(event("quiz_failed", at(SWITCH, "-10m")));
            user.switchTo(removedThenBack);
            user.event(event("quiz_failed", at(SWITCH, "15m"))); // a third within the hour, but the first two were forgotten
            assertThat(triggers(user, "quiz_struggle")).isEmpty();

            EngineDriver kept = new EngineDriver(DEFAULT, "u1"); // control: without the switches it is the third
            kept.event(event("quiz_failed", at(SWITCH, "-20m")));
            kept.event(event("quiz_failed", at(SWITCH, "-10m")));
            kept.event(event("quiz_failed", at(SWITCH, "15m")));
            assertThat(triggers(kept, "quiz_struggle")).hasSize(1);
        }

        @Test
        void dropsItsTriggersWaitingForTheEndOfQuietHours() {
            long evening = at(MONDAY_9AM, "14h"); // 23:00 UTC: 24 h later is in quiet hours
            long switchAt = at(evening, "27h"); // 02:00 on Wednesday: inactive_24h waits for 08:00
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            user.event(event("lesson_completed", evening));
            user.watermark(at(evening, "26h"));
            assertThat(user.state().deferredTriggers()).extracting(DeferredTrigger::ruleId).contains("inactive_24h");

            RuleSet without24h = rules("no-24h", """
                      - id: inactive_24h
                        kind: REENGAGEMENT
                        type: inactivity
                        after: 24h
                        attributes: {hours_inactive: "{hours_inactive}"}
                    """, "");
            user.switchTo(RulesTimeline.of(DEFAULT).switchTo(without24h, switchAt, "topic:t/0@0", null));
            user.watermark(at(evening, "40h"));
            assertThat(triggers(user, "inactive_24h")).isEmpty();
            assertThat(user.state().deferredTriggers()).extracting(DeferredTrigger::ruleId).doesNotContain("inactive_24h");
        }
    }

    @Nested
    class AChangedRule {
        @Test
        void aDeadlineMovedEarlierFiresOnTimeWithoutAnotherEvent() {
            RuleSet sooner = rules("sooner", "    after: 24h\n    attributes: {hours_inactive", "    after: 6h\n    attributes: {hours_inactive");
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            long lastLesson = at(SWITCH, "-1h");
            user.event(event("lesson_completed", lastLesson));
            assertThat(user.timer()).isEqualTo(at(lastLesson, "24h"));
            user.switchTo(switchingTo(sooner));
            assertThat(user.timer()).isEqualTo(at(lastLesson, "6h"));
            user.watermark(at(lastLesson, "6h"));
            assertThat(triggers(user, "inactive_24h")).singleElement().satisfies(t -> {
                assertThat(t.fireTime()).isEqualTo(at(lastLesson, "6h"));
                assertThat(t.ruleSetVersion()).isEqualTo("sooner");
                assertThat(t.attributes()).containsEntry("hours_inactive", "6");
            });
        }

        @Test
        void aThresholdKeepsItsMemory() {
            RuleSet twoFailures = rules("two-failures", "    count: 3\n    within: 60m", "    count: 2\n    within: 60m");
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            user.event(event("quiz_failed", at(SWITCH, "-10m")));
            user.switchTo(switchingTo(twoFailures));
            user.event(event("quiz_failed", at(SWITCH, "10m")));
            assertThat(triggers(user, "quiz_struggle")).singleElement().satisfies(t -> {
                assertThat(t.fireTime()).isEqualTo(at(SWITCH, "10m"));
                assertThat(t.ruleSetVersion()).isEqualTo("two-failures");
            });
        }
    }

    @Nested
    class ChangedSettings {
        @Test
        void aLifecycleThresholdAlreadyPassedChangesTheStageAtTheSwitch() {
            RuleSet sooner = rules("at-risk-36h", "at_risk_after: 72h", "at_risk_after: 36h");
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            long day0 = at(SWITCH, "-10d");
            user.event(event("profile_completed", day0));
            user.event(event("goal_set", day0 + 1));
            for (int d = 0; d < 8; d++) { // an ACTIVE user, idle for two days at the switch
                user.event(event("lesson_completed", at(day0, (d) + "d") + 2));
            }
            user.watermark(at(SWITCH, "-1m"));
            assertThat(user.state().stage()).isEqualTo(Stage.ACTIVE);
            user.switchTo(switchingTo(sooner));
            user.watermark(SWITCH);
            assertThat(user.outputs).last().isInstanceOfSatisfying(StageChange.class, c -> {
                assertThat(c.to()).isEqualTo(Stage.AT_RISK);
                assertThat(c.changeTime()).isEqualTo(SWITCH);
                assertThat(c.reason()).isEqualTo("inactive_for_36h");
            });
        }

        @Test
        void aTypeMadeActiveCountsFromTheSwitchOn() {
            RuleSet viewsActive = rules("views-active", "active_events: [lesson_completed,", "active_events: [screen_view, lesson_completed,");
            EngineDriver user = new EngineDriver(DEFAULT, "u1");
            user.event(event("lesson_completed", at(SWITCH, "-5h")));
            user.event(event("screen_view", at(SWITCH, "-1h"))); // passive when it came: inactivity still runs from the lesson
            user.switchTo(switchingTo(viewsActive));
            user.event(event("screen_view", at(SWITCH, "1h")));
            assertThat(user.state().lastActive()).isEqualTo(at(SWITCH, "1h"));
            user.watermark(at(SWITCH, "25h"));
            assertThat(triggers(user, "inactive_24h")).extracting(FiredTrigger::fireTime).containsExactly(at(SWITCH, "25h"));
        }
    }

    @Test
    void triggersSayWhichRuleSetDecidedThem() {
        RuleSet renamed = rules("renamed", "x", "x");
        EngineDriver user = new EngineDriver(RulesTimeline.of(DEFAULT).switchTo(renamed, SWITCH, "topic:t/0@0", null), "u1");
        user.event(event("payment_failed", at(SWITCH, "-1m")));
        user.event(event("payment_failed", at(SWITCH, "1m")));
        assertThat(triggers(user, "payment_failed")).extracting(FiredTrigger::ruleSetVersion)
                .containsExactly("default-2026-11-22", "renamed");
    }
}
