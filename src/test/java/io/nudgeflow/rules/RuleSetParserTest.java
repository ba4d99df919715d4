package io.nudgeflow.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudgeflow.domain.InactivityRule;
import io.nudgeflow.domain.Rule;
import io.nudgeflow.domain.RuleHeader;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.TriggerKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuleSetParserTest {
    private static final String HEADER = """
            version: test-1
            active_events: [lesson_completed]
            onboarding:
              checklist: [profile_completed, lesson_completed]
            rules:
            """;

    @Test
    void theBundledDefaultRuleSetLoads() {
        RuleSet rules = RuleSetParser.loadDefault();

        assertThat(rules.rules()).extracting(Rule::id).contains("inactive_24h", "inactive_48h", "winback_30d",
                "onboarding_stalled", "onboarding_completed");
        assertThat(rules.activeEvents()).hasSize(12).contains("lesson_completed", "purchase", "share");
        assertThat(rules.onboarding().checklist()).containsExactly("profile_completed", "goal_set", "lesson_completed");
        assertThat(rules.rules().get(0)).isEqualTo(new InactivityRule(
                RuleHeader.of("inactive_24h", TriggerKind.REENGAGEMENT, rules.rules().get(0).attributes())
                        .withGoal(io.nudgeflow.domain.Goal.active(Duration.ofHours(48))), Duration.ofHours(24)));
    }

    @Test
    void aRuleOfAKnownTypeParsesWithItsParameters() {
        RuleSet rules = RuleSetParser.parse(HEADER + """
                  - id: quiet_for_a_week
                    kind: REENGAGEMENT
                    type: inactivity
                    after: 7d
                    attributes: {days: "{days_inactive}", channel: email}
                """, "r.yaml");

        InactivityRule rule = (InactivityRule) rules.rules().get(0);
        assertThat(rule.after()).isEqualTo(Duration.ofDays(7));
        assertThat(rule.attributes().render(java.util.Map.of("days_inactive", "7")))
                .containsEntry("days", "7").containsEntry("channel", "email");
    }

    @Test
    void anUnknownRuleTypeIsRejectedWithFileLineRuleAndField() {
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + """
                  - id: fancy
                    kind: NUDGE
                    type: telepathy
                """, "r.yaml"))
                .isInstanceOf(RuleSetException.class)
                .hasMessage("r.yaml:8: rule 'fancy', field 'type': unknown rule type 'telepathy'; known types: "
                        + "[inactivity, checklist_completed, checklist_stalled, streak, streak_at_risk, count, "
                        + "cumulative_value, repeated_without, not_followed, on_event]");
    }

    @Test
    void aBadDurationIsRejectedAtItsLine() {
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + """
                  - id: slow
                    kind: NUDGE
                    type: inactivity
                    after: 24 hours
                """, "r.yaml"))
                .hasMessage("r.yaml:9: rule 'slow', field 'after': '24 hours' is not a duration (use e.g. 30m, 24h, 7d or PT24H)");
    }

    @Test
    void durationsThatCouldOverflowAtRunTimeAreRejected() {
        String rule = HEADER + """
                  - id: slow
                    kind: NUDGE
                    type: inactivity
                    after: %s
                """;
        // the one found: it parsed, and overflowed converting to milliseconds on the first active event
        assertThatThrownBy(() -> RuleSetParser.parse(rule.formatted("100000000000000d"), "r.yaml"))
                .hasMessage("r.yaml:9: rule 'slow', field 'after': must be at most 3650d");
        assertThatThrownBy(() -> RuleSetParser.parse(rule.formatted("1000000000000000d"), "r.yaml"))
                .hasMessage("r.yaml:9: rule 'slow', field 'after': '1000000000000000d' is too long a duration");
        assertThatThrownBy(() -> RuleSetParser.parse(rule.formatted("99999999999999999999ms"), "r.yaml"))
                .hasMessageEndingWith("is too long a duration");
        assertThatThrownBy(() -> RuleSetParser.parse(rule.formatted("3651d"), "r.yaml"))
                .hasMessage("r.yaml:9: rule 'slow', field 'after': must be at most 3650d");
        assertThatThrownBy(() -> RuleSetParser.parse(rule.formatted("PT2562047788015215H"), "r.yaml"))
                .hasMessageEndingWith("must be at most 3650d");
        assertThat(RuleSetParser.parse(rule.formatted("3650d"), "r.yaml").rules()).hasSize(1);
    }

    @Test
    void thresholdsBeyondATrillionAreRejected() {
        String rule = HEADER + """
                  - id: rich
                    kind: MILESTONE
                    type: cumulative_value
                    event: purchase
                    threshold: %s
                """;
        assertThatThrownBy(() -> RuleSetParser.parse(rule.formatted("1e300"), "r.yaml"))
                .hasMessageEndingWith("must be a positive number, at most 1e12");
        assertThat(RuleSetParser.parse(rule.formatted("1e12"), "r.yaml").rules()).hasSize(1);
    }

    @Test
    void aJsonRuleFileMayBeIndentedWithTabs() {
        String json = "{\n\t\"version\": \"json-1\",\n\t\"active_events\": [\"lesson_completed\"],\n"
                + "\t\"onboarding\": {\"checklist\": [\"lesson_completed\"]},\n\t\"rules\": [\n"
                + "\t\t{\"id\": \"quiet\", \"kind\": \"REENGAGEMENT\", \"type\": \"inactivity\", \"after\": \"24h\"}\n\t]\n}\n";

        assertThat(RuleSetParser.parse(json, "r.json").rules()).extracting(Rule::id).containsExactly("quiet");
        assertThatThrownBy(() -> RuleSetParser.parse(json.replace("\"24h\"", "\"24 hours\""), "r.json"))
                .hasMessageStartingWith("r.json:6: rule 'quiet', field 'after'");
        assertThatThrownBy(() -> RuleSetParser.parse(json.replace("]\n}", "]\n"), "r.json"))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void unknownFieldsAreRejectedBecauseTheyAreUsuallyTypos() {
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + """
                  - id: typo
                    kind: NUDGE
                    type: inactivity
                    afer: 24h
                """, "r.yaml"))
                .hasMessageStartingWith("r.yaml:9: rule 'typo', field 'afer': unknown field; expected one of");
    }

    @Test
    void duplicateIdsUnknownKindsAndUnofferedPlaceholdersAreRejected() {
        String rule = """
                  - id: twice
                    kind: NUDGE
                    type: checklist_completed
                """;
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + rule + rule, "r.yaml"))
                .hasMessage("r.yaml:9: rule 'twice', field 'id': duplicate rule id");
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + rule.replace("NUDGE", "SHOUT"), "r.yaml"))
                .hasMessageContaining("r.yaml:7: rule 'twice', field 'kind': 'SHOUT' is not one of");
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + rule + "    attributes: {n: \"{streak_days}\"}\n", "r.yaml"))
                .hasMessage("r.yaml:9: rule 'twice', field 'attributes': placeholder(s) [streak_days] are not offered "
                        + "by type 'checklist_completed' (it offers none)");
    }

    @Test
    void missingTopLevelFieldsAndBrokenYamlAreReported() {
        assertThatThrownBy(() -> RuleSetParser.parse("active_events: [a]\nrules: []\n", "r.yaml"))
                .hasMessageContaining("field 'version': is required");
        assertThatThrownBy(() -> RuleSetParser.parse("version: [unclosed\n", "r.yaml"))
                .hasMessageStartingWith("r.yaml:").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> RuleSetParser.load(Path.of("/no/such/rules.yaml")))
                .hasMessage("/no/such/rules.yaml: rule file not found");
    }

    @Test
    void theDefaultRuleSetHasEveryRuleOfTheSpecAndTheDefaultGuardrails() {
        RuleSet rules = RuleSetParser.loadDefault();

        assertThat(rules.rules()).extracting(Rule::id).containsExactlyInAnyOrder("inactive_24h", "inactive_48h",
                "winback_30d", "streak_3", "streak_5", "streak_7", "streak_30", "streak_at_risk", "quiz_struggle",
                "feature_hesitation", "cart_abandoned", "onboarding_stalled", "onboarding_completed", "lessons_10",
                "lessons_50", "lessons_100", "tier_silver", "tier_gold", "payment_failed");
        assertThat(rules.guardrails()).isEqualTo(io.nudgeflow.domain.Guardrails.defaults());
    }

    @Test
    void newTypesTheirTimesOfDayExperimentsAndGuardrailsAreValidated() {
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + """
                  - {id: late, kind: NUDGE, type: streak_at_risk, at_local: "8pm"}
                """, "r.yaml"))
                .hasMessage("r.yaml:6: rule 'late', field 'at_local': '8pm' is not a local time of day (use e.g. 20:00)");
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + """
                  - id: test
                    kind: NUDGE
                    type: on_event
                    event: payment_failed
                    experiment: {id: x, holdout: 1.5, variants: [{name: a}]}
                """, "r.yaml"))
                .hasMessage("r.yaml:10: rule 'test', field 'experiment.holdout': must be a share from 0 (inclusive) to 1 (exclusive)");
        String equalQuietHours = HEADER.replace("rules:", "guardrails: {quiet_hours: {start: \"22:00\", end: \"22:00\"}}\nrules:");
        assertThatThrownBy(() -> RuleSetParser.parse(equalQuietHours + "  []\n", "r.yaml"))
                .hasMessageContaining("field 'quiet_hours': start and end are equal; write 'quiet_hours: off' to disable");
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER + """
                  - {id: few, kind: MILESTONE, type: count, event: lesson_completed, count: 0}
                """, "r.yaml"))
                .hasMessage("r.yaml:6: rule 'few', field 'count': must be a whole number from 1 to 2147483647");
        assertThatThrownBy(() -> RuleSetParser.parse(HEADER.replace("rules:", "dedup_window: 8d\nrules:") + "  []\n", "r.yaml"))
                .hasMessageContaining("field 'dedup_window': must be at most 7d");
    }

    @Test
    void onEventRulesMayUseAnyPropertyOfTheirEventAndQuietHoursCanBeSwitchedOff() {
        String header = HEADER.replace("rules:", "guardrails: {quiet_hours: off, frequency_cap_per_local_day: 0}\nrules:");
        RuleSet rules = RuleSetParser.parse(header + """
                  - id: failed
                    kind: NUDGE
                    type: on_event
                    event: payment_failed
                    cancel_on: [payment_succeeded]
                    attributes: {reason: "{properties.reason}", plan: "{properties.plan}"}
                """, "r.yaml");

        assertThat(rules.guardrails().quietStart()).isNull();
        assertThat(rules.guardrails().frequencyCapPerLocalDay()).isZero();
        assertThat(rules.rules().get(0).attributes().placeholders()).containsExactly("properties.plan", "properties.reason");
    }

    @Test
    void unknownEventTypesInActiveListsAreAllowed() {
        RuleSet rules = RuleSetParser.parse(HEADER.replace("[lesson_completed]", "[brand_new_event]") + "  []\n", "r.yaml");

        assertThat(rules.isActive("brand_new_event")).isTrue();
    }

    @Test
    void everyRuleOfTheDefaultFileHasTheGoalOfItsType() {
        java.util.Map<String, io.nudgeflow.domain.Goal> goals = new java.util.HashMap<>();
        RuleSetParser.loadDefault().rules().forEach(r -> goals.put(r.id(), r.header().goal()));

        assertThat(goals.get("inactive_24h")).isEqualTo(io.nudgeflow.domain.Goal.active(Duration.ofHours(48)));
        assertThat(goals.get("streak_7")).isEqualTo(io.nudgeflow.domain.Goal.active(Duration.ofHours(48)));
        assertThat(goals.get("cart_abandoned")).isEqualTo(new io.nudgeflow.domain.Goal(java.util.List.of("purchase"), Duration.ofHours(24)));
        assertThat(goals.get("quiz_struggle")).isEqualTo(new io.nudgeflow.domain.Goal(java.util.List.of("quiz_passed"), Duration.ofHours(24)));
        assertThat(goals.get("onboarding_stalled")).isEqualTo(new io.nudgeflow.domain.Goal(
                java.util.List.of("profile_completed", "goal_set", "lesson_completed"), Duration.ofHours(48)));
        assertThat(goals.get("streak_at_risk")).isEqualTo(io.nudgeflow.domain.Goal.active(Duration.ofHours(4)));
        assertThat(goals).doesNotContainValue(null);
    }

    @Test
    void aGoalIsActiveOffOrEventsWithAWindow() {
        String rule = HEADER + """
                  - id: r
                    kind: NUDGE
                    type: on_event
                    event: payment_failed
                    goal: %s
                """;
        java.util.function.Function<String, io.nudgeflow.domain.Goal> goal =
                g -> RuleSetParser.parse(rule.formatted(g), "r.yaml").rules().get(0).header().goal();
        assertThat(goal.apply("active")).isEqualTo(io.nudgeflow.domain.Goal.active(Duration.ofHours(48)));
        assertThat(goal.apply("off")).isNull();
        assertThat(goal.apply("\"off\"")).isNull();
        assertThat(goal.apply("{events: [purchase, purchase, upgrade], within: 3d}"))
                .isEqualTo(new io.nudgeflow.domain.Goal(java.util.List.of("purchase", "upgrade"), Duration.ofDays(3)));
        assertThat(goal.apply("{events: active, within: 2h}")).isEqualTo(io.nudgeflow.domain.Goal.active(Duration.ofHours(2)));
        assertThat(goal.apply("{within: 2h}")).isEqualTo(io.nudgeflow.domain.Goal.active(Duration.ofHours(2)));

        assertThatThrownBy(() -> goal.apply("sometimes"))
                .hasMessage("r.yaml:10: rule 'r', field 'goal': must be 'active', 'off' or {events: [...] | active, within: DURATION}");
        assertThatThrownBy(() -> goal.apply("{events: [], within: 2h}"))
                .hasMessage("r.yaml:10: rule 'r', field 'events': must list at least one event type, or be 'active'");
        assertThatThrownBy(() -> goal.apply("{events: [" + String.join(", ", java.util.stream.IntStream.range(0, 17)
                .mapToObj(i -> "event_" + i).toList()) + "]}"))
                .hasMessage("r.yaml:10: rule 'r', field 'events': must list at most 16 event types");
        assertThatThrownBy(() -> goal.apply("{events: [purchase], within: 0s}"))
                .hasMessage("r.yaml:10: rule 'r', field 'within': must be positive");
        assertThatThrownBy(() -> goal.apply("{event: purchase}"))
                .hasMessageStartingWith("r.yaml:10: rule 'r', field 'event': unknown field");
    }
}
