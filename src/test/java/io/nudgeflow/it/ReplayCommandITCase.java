package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.cli.NudgeflowCli;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `replay` as a user runs it: files in, files out, clear errors and exit codes. */
class ReplayCommandITCase {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int replay(String... args) {
        CommandLine cli = NudgeflowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "replay";
        System.arraycopy(args, 0, full, 1, args.length);
        return cli.execute(full);
    }

    @Test
    void writesTriggersSegmentsAndAPerRuleSummary(@TempDir Path dir) throws Exception {
        Path triggers = dir.resolve("t.jsonl");
        Path segments = dir.resolve("s.jsonl");
        Path suppressed = dir.resolve("x.jsonl");

        int exit = replay("--events", Scenarios.events("inactivity").toString(), "--until", "2026-03-05T00:00:00Z",
                "--out", triggers.toString(), "--segments-out", segments.toString(), "--suppressed-out", suppressed.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readAllLines(triggers)).hasSize(3);
        assertThat(Files.readAllLines(segments)).singleElement().asString().contains("\"to_stage\":\"NEW\"");
        assertThat(Files.readAllLines(suppressed)).isEmpty();
        assertThat(err.toString()).containsPattern("inactive_24h +1 +0")
                .containsPattern("total +3 +0")
                .contains("until 2026-03-05T00:00:00Z");
    }

    @Test
    void readsStdinAndWritesStdoutAndSkipsBadLinesWithTheirLineNumber() {
        String input = """
                {"event_id": "a", "user_id": "u1", "event_type": "lesson_completed", "event_time": 1772445600000}
                this is not json
                {"event_id": "b", "event_type": "app_open", "event_time": "2026-03-02T11:00:00Z"}
                {"event_id": "c", "user_id": "u1", "event_type": "app_open", "event_time": "yesterday"}
                {"event_id": "d", "user_id": "u1", "event_type": "app_open", "event_time": "2026-03-04T11:00:00Z"}
                """;
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            int exit = replay("--events", "-");

            assertThat(exit).as(err.toString()).isZero();
        } finally {
            System.setIn(stdin);
        }
        List<String> triggers = out.toString().lines().toList();
        // lesson at 2026-03-02T10:00Z; the default --until is the largest event time, 2026-03-04T11:00Z
        assertThat(triggers).extracting(l -> l.replaceAll(".*\"rule_id\":\"([a-z0-9_]+)\".*\"fire_time\":\"([^\"]+)\".*", "$1@$2"))
                .containsExactly("inactive_24h@2026-03-03T10:00:00Z", "onboarding_stalled@2026-03-03T10:00:00Z",
                        "inactive_48h@2026-03-04T10:00:00Z");
        assertThat(err.toString())
                .contains("skipped - line 2: UNDECODABLE: not JSON") // stdin is named "-", as on the command line
                .contains("skipped - line 3: MISSING_FIELD: user_id")
                .contains("skipped - line 4: INVALID_TIME: event_time 'yesterday'")
                .contains("3 bad lines skipped");
    }

    @Test
    void aMissingEventsFileIsAClearErrorWithNonZeroExit() {
        assertThat(replay("--events", "/no/such/events.jsonl")).isEqualTo(2);
        assertThat(err.toString()).contains("Events file not found: /no/such/events.jsonl");
    }

    @Test
    void anInvalidRuleFileIsAClearErrorWithNonZeroExit(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                version: broken
                active_events: [lesson_completed]
                onboarding: {checklist: [lesson_completed]}
                rules:
                  - id: soon
                    kind: NUDGE
                    type: inactivity
                    after: tomorrow
                """);

        assertThat(replay("--events", Scenarios.events("inactivity").toString(), "--rules", rules.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid rule file: " + rules + ":8: rule 'soon', field 'after': 'tomorrow' is not a duration");
    }

    @Test
    void aMissingRequiredOptionPrintsUsage() {
        assertThat(replay()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--events=FILE|-'").contains("Usage: nudgeflow replay");
    }
}
