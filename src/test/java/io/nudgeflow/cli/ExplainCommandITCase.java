package io.nudgeflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.Outcome;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.explain.UserTimeline;
import io.nudgeflow.io.JsonLines;
import io.nudgeflow.pipeline.ReplayJob;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain} tells each user's story as replay decides it: for every user of the golden scenarios and of a
 * generated history, the triggers it says were sent or suppressed (and why) and the outcomes it reports are exactly
 * the ones replay writes for that user.
 */
class ExplainCommandITCase {
    private static final Path SCENARIOS = Path.of("..", "shared", "scenarios");

    @Test
    void everyUsersStoryHasExactlyTheTriggersAndOutcomesReplayWritesForThem(@TempDir Path dir) throws Exception {
        List<Path> inputs = new ArrayList<>();
        try (var files = Files.list(SCENARIOS)) {
            files.filter(p -> p.toString().endsWith(".events.jsonl")).sorted().forEach(inputs::add);
        }
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(4);
        inputs.add(History.write(dir.resolve("history.jsonl"), 60, 14, 3));
        RulesTimeline rules = RuleSetParser.timelineOf(null);
        for (Path events : inputs) {
            long until = ReplayJob.largestEventTime(events).orElseThrow();
            ReplayJob.Outputs replay = ReplayJob.run(events, rules, until, 1);
            Map<String, TreeSet<String>> triggers = byUser(replay.triggers(), replay.suppressed());
            Map<String, TreeSet<String>> outcomes = byUser(replay.outcomes(), List.of());
            TreeSet<String> users = new TreeSet<>();
            for (String line : Files.readAllLines(events)) {
                if (!line.isBlank()) {
                    users.add(JsonLines.field(line, "user_id"));
                }
            }
            for (String user : users) {
                UserTimeline.Story story = UserTimeline.of(events, user, rules, until);
                TreeSet<String> told = new TreeSet<>();
                for (FiredTrigger t : story.triggers()) {
                    told.add(t.triggerId() + " " + t.ruleId() + " " + t.suppressedReason());
                }
                assertThat(told).as(events.getFileName() + " " + user).isEqualTo(triggers.getOrDefault(user, new TreeSet<>()));
                TreeSet<String> toldOutcomes = new TreeSet<>();
                for (Outcome o : story.outcomes()) {
                    toldOutcomes.add(o.triggerId() + " " + o.ruleId() + " " + o.converted());
                }
                assertThat(toldOutcomes).as(events.getFileName() + " " + user + " outcomes")
                        .isEqualTo(outcomes.getOrDefault(user, new TreeSet<>()));
            }
        }
    }

    @Test
    void printsTheStoryWithEachGuardrailAndSaysSoWhenTheUserIsUnknown(@TempDir Path dir) throws Exception {
        Path events = SCENARIOS.resolve("frequency-cap.events.jsonl");
        String user = JsonLines.field(Files.readAllLines(events).get(0), "user_id");
        Cli cli = new Cli();
        assertThat(cli.run("explain", "--events", events.toString(), "--user", user)).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith("user " + user + ": ").containsPattern(" event +p4-0 payment_failed")
                .containsPattern(" trigger +SENT payment_failed").containsPattern("stage +\\(none\\) -> NEW \\(first_sighting\\)")
                .contains("FREQUENCY_CAP: already 3 triggers sent on the user's local day").contains("suppressed");

        Cli unknown = new Cli();
        assertThat(unknown.run("explain", "--events", events.toString(), "--user", "nobody")).isEqualTo(1);
        assertThat(unknown.err()).startsWith("No event of user 'nobody' in ");
        Cli missing = new Cli();
        assertThat(missing.run("explain", "--events", dir.resolve("none.jsonl").toString(), "--user", "u")).isEqualTo(2);
        assertThat(missing.err()).startsWith("Events file not found: ");
    }

    /** "trigger_id rule_id suppressed_reason" (or "trigger_id rule_id converted") per user. */
    private static Map<String, TreeSet<String>> byUser(List<String> lines, List<String> more) {
        Map<String, TreeSet<String>> byUser = new TreeMap<>();
        List<String> all = new ArrayList<>(lines);
        all.addAll(more);
        for (String line : all) {
            String third = line.contains("\"converted\":") ? JsonLines.field(line, "converted")
                    : JsonLines.field(line, "suppressed_reason").isEmpty() ? "null" : JsonLines.field(line, "suppressed_reason");
            byUser.computeIfAbsent(JsonLines.field(line, "user_id"), u -> new TreeSet<>())
                    .add(JsonLines.field(line, "trigger_id") + " " + JsonLines.field(line, "rule_id") + " " + third);
        }
        return byUser;
    }
}
