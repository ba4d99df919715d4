package io.nudgeflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.domain.Experiment;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.report.OutcomeSummary;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden test of issue 15: a re-engagement experiment with a holdout over a synthetic population in which variant
 * b truly brings more users back (45 %) than variant a (25 %) and the holdout (20 %). Replay follows every trigger
 * and every held-back one to its outcome, and its summary shows b's uplift over the holdout with an interval that
 * excludes zero and holds the true +25 points.
 */
class ExperimentOutcomesITCase {
    private static final String RULES = """
            version: comeback-test-1
            active_events: [lesson_completed]
            onboarding: {checklist: [lesson_completed]}
            guardrails: {quiet_hours: off}
            rules:
              - id: comeback
                kind: REENGAGEMENT
                type: inactivity
                after: 1h
                cooldown: 7d            # once per user: the one trigger whose outcome the experiment measures
                goal: {events: active, within: 12h}
                experiment:
                  id: comeback-copy
                  holdout: 0.3
                  variants: [{name: a}, {name: b}]
            """;

    @Test
    void variantBShowsItsUpliftOverTheHoldoutWithItsInterval(@TempDir Path dir) throws Exception {
        Path rulesFile = Files.writeString(dir.resolve("comeback.yaml"), RULES);
        RuleSet rules = RuleSetParser.load(rulesFile);
        Experiment experiment = rules.rules().get(0).header().experiment();
        Random random = new Random(15);
        List<String> events = new ArrayList<>();
        int users = 3_000;
        long start = History.START.toEpochMilli();
        for (int i = 0; i < users; i++) {
            String user = "u" + i;
            long lesson = start + i * 10_000L;
            events.add(History.event(user + "-1", user, "lesson_completed", lesson, null, null));
            Experiment.Assignment arm = experiment.assign(user);
            double comesBack = arm.holdout() ? 0.20 : arm.variant().name().equals("a") ? 0.25 : 0.45;
            if (random.nextDouble() < comesBack) {
                long back = lesson + 3_600_000L + 60_000L * (1 + random.nextInt(11 * 60)); // within the 12 h window
                events.add(History.event(user + "-2", user, "lesson_completed", back, null, null));
            }
        }
        events.sort((x, y) -> x.substring(x.indexOf("event_time")).compareTo(y.substring(y.indexOf("event_time"))));
        Path eventsFile = Files.write(dir.resolve("events.jsonl"), events);
        Path triggersFile = dir.resolve("triggers.jsonl");
        Path suppressedFile = dir.resolve("suppressed.jsonl");
        Path outcomesFile = dir.resolve("outcomes.jsonl");

        Cli cli = new Cli();
        int exit = cli.run("replay", "--events", eventsFile.toString(), "--rules", rulesFile.toString(), "--until",
                "2026-03-03T12:00:00Z", "--out", triggersFile.toString(), "--suppressed-out", suppressedFile.toString(),
                "--outcomes-out", outcomesFile.toString(), "--parallelism", "2");

        assertThat(exit).as(cli.err()).isZero();
        List<String> triggers = Files.readAllLines(triggersFile);
        List<String> suppressed = Files.readAllLines(suppressedFile);
        List<String> outcomes = Files.readAllLines(outcomesFile);
        // one outcome per trigger sent or held back, under its id; every window has ended by --until
        Set<String> ids = new HashSet<>();
        triggers.forEach(t -> ids.add(io.nudgeflow.io.JsonLines.field(t, "trigger_id")));
        suppressed.forEach(t -> ids.add(io.nudgeflow.io.JsonLines.field(t, "trigger_id")));
        assertThat(ids).hasSize(users);
        assertThat(outcomes).hasSize(users).extracting(o -> io.nudgeflow.io.JsonLines.field(o, "trigger_id"))
                .containsExactlyInAnyOrderElementsOf(ids);

        OutcomeSummary summary = OutcomeSummary.of(triggers, suppressed, outcomes);
        OutcomeSummary.Arm holdout = summary.arm("comeback", "holdout");
        OutcomeSummary.Arm a = summary.arm("comeback", "a");
        OutcomeSummary.Arm b = summary.arm("comeback", "b");
        assertThat(holdout.followed() + a.followed() + b.followed()).isEqualTo(users);
        assertThat(holdout.rate()).isBetween(0.16, 0.24);
        assertThat(b.rate()).isBetween(0.40, 0.50);
        assertThat(b.uplift().significantlyPositive()).as("b beats the holdout: %s", b.uplift().describe()).isTrue();
        assertThat(b.uplift().low()).isLessThan(0.25);
        assertThat(b.uplift().high()).isGreaterThan(0.25);
        assertThat(a.uplift().low()).isLessThan(0.05);
        assertThat(a.uplift().high()).isGreaterThan(0.05);
        // and the summary on stderr says so, naming the method
        assertThat(cli.err()).contains("Newcombe hybrid score")
                .containsPattern("comeback\\s+b\\s+" + b.triggers() + "\\s+" + b.followed() + "\\s+" + b.converted()
                        + "\\s+[0-9.]+%\\s+\\+[0-9.]+ pp \\[\\+[0-9.]+, \\+[0-9.]+\\] \\*");
    }
}
