package io.nudgeflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} of the default rules against a copy with {@code inactive_24h} moved to 12 h, on a generated
 * history: the differences it reports are the expected ones, the report is the same bytes at any parallelism, and
 * the HTML page renders in a headless browser (Debian's chromium, which {@code .ci/run} installs) with its numbers.
 */
class CompareCommandITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path events;
    static Path baseline;
    static Path candidate;
    static Path report;
    static Path json;
    static Cli cli;

    @BeforeAll
    static void compare() throws Exception {
        events = History.write(dir.resolve("history.jsonl"), 400, 21, 7);
        String defaults = RuleSetParser.defaultText();
        baseline = Files.writeString(dir.resolve("default.yaml"), defaults);
        String moved = defaults.replace("version: default-2026-11-22", "version: candidate-12h")
                .replace("- id: inactive_24h\n    kind: REENGAGEMENT\n    type: inactivity\n    after: 24h",
                        "- id: inactive_24h\n    kind: REENGAGEMENT\n    type: inactivity\n    after: 12h");
        assertThat(moved).contains("after: 12h");
        candidate = Files.writeString(dir.resolve("candidate.yaml"), moved);
        report = dir.resolve("report.html");
        json = dir.resolve("report.json");
        cli = new Cli();
        int exit = cli.run("compare", "--events", events.toString(), "--baseline", baseline.toString(), "--candidate",
                candidate.toString(), "--report", report.toString(), "--json", json.toString());
        assertThat(exit).as(cli.err()).isZero();
    }

    @Test
    void reportsTheExpectedDifferencesOfAnEarlierReengagement() throws Exception {
        JsonNode root = JSON.readTree(json.toFile());
        assertThat(root.get("baseline").asText()).isEqualTo("default-2026-11-22");
        assertThat(root.get("candidate").asText()).isEqualTo("candidate-12h");
        JsonNode inactive = rule(root, "inactive_24h");
        long before = inactive.get("baseline").get("sent").asLong();
        long after = inactive.get("candidate").get("sent").asLong();
        // 12 h of silence come more often than 24 h: more triggers, to at least as many users
        assertThat(after).isGreaterThan(before);
        assertThat(inactive.get("candidate").get("users_reached").asLong())
                .isGreaterThanOrEqualTo(inactive.get("baseline").get("users_reached").asLong());
        assertThat(inactive.get("users_gaining").asLong()).isPositive();
        assertThat(inactive.get("users_gaining").asLong()).isLessThanOrEqualTo(inactive.get("candidate").get("users_reached").asLong());
        JsonNode users = root.get("users");
        assertThat(users.get("gained").asLong() + users.get("changed").asLong()).isPositive();
        // every sampled user differs by an inactive_24h trigger; a rule the change cannot touch is the same on both sides
        users.get("sample").fields().forEachRemaining(u -> {
            List<String> rules = new ArrayList<>();
            u.getValue().forEach(d -> rules.add(d.get("rule_id").asText()));
            assertThat(rules).as(u.getKey()).contains("inactive_24h");
        });
        for (String untouched : List.of("lessons_10", "onboarding_completed", "tier_silver", "streak_3")) {
            JsonNode r = root.get("rules").findParents("rule_id").stream().filter(n -> n.get("rule_id").asText().equals(untouched))
                    .findFirst().orElse(null);
            if (r != null) {
                assertThat(r.get("baseline").get("sent").asLong() + r.get("baseline").get("suppressed").path("FREQUENCY_CAP").asLong(0))
                        .as(untouched + ": triggers decided, sent or capped")
                        .isEqualTo(r.get("candidate").get("sent").asLong() + r.get("candidate").get("suppressed").path("FREQUENCY_CAP").asLong(0));
            }
        }
        // triggers per day: inactive_24h on both sides, summing to the totals
        long perDayCandidate = 0;
        for (var day = root.get("triggers_per_day").get("inactive_24h").elements(); day.hasNext();) {
            perDayCandidate += day.next().get("candidate").asLong();
        }
        assertThat(perDayCandidate).isEqualTo(after);
        assertThat(root.get("frequency_cap").get("candidate").get("suppressed").asLong()).isNotNegative();
        assertThat(cli.out()).containsPattern("inactive_24h\\s+" + before + "\\s+" + after);
    }

    @Test
    void theSameRunsGiveTheSameBytesAtAnyParallelismAndARuleSetAgainstItselfDiffersInNothing() throws Exception {
        Path again = dir.resolve("again.html");
        Path againJson = dir.resolve("again.json");
        Cli second = new Cli();
        assertThat(second.run("compare", "--events", events.toString(), "--baseline", baseline.toString(), "--candidate",
                candidate.toString(), "--report", again.toString(), "--json", againJson.toString(), "--parallelism", "2"))
                .as(second.err()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(report));
        assertThat(Files.readAllBytes(againJson)).isEqualTo(Files.readAllBytes(json));

        Path same = dir.resolve("same.html");
        Cli self = new Cli();
        assertThat(self.run("compare", "--events", events.toString(), "--baseline", baseline.toString(), "--candidate",
                baseline.toString(), "--report", same.toString())).as(self.err()).isZero();
        assertThat(self.out()).contains("no difference at all");
        assertThat(Files.readString(same)).contains("They decide exactly the same.").doesNotContain("class=\"differs\"");
    }

    @Test
    void theHtmlReportIsSelfContainedAndRendersInAHeadlessBrowser() throws Exception {
        String html = Files.readString(report);
        assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"?(https?:)?//").doesNotContain("<script")
                .doesNotContain("@import").doesNotContainPattern("url\\(");
        JsonNode inactive = rule(JSON.readTree(json.toFile()), "inactive_24h");

        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        Path screenshot = dir.resolve("report.png");
        List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        String dom = run(chromium, flags, "--dump-dom", report.toUri().toString());
        // the browser's DOM, after parsing: the numbers are there, in their tables, with a chart per rule
        assertThat(dom).contains("Rule sets compared").contains("They decide differently.")
                .contains("<tr class=\"differs\" data-rule=\"inactive_24h\"><td class=\"l\">inactive_24h</td><td>"
                        + inactive.get("baseline").get("sent").asLong() + "</td><td>" + inactive.get("candidate").get("sent").asLong() + "</td>")
                .contains("<figure data-rule=\"inactive_24h\">").contains("<svg");
        assertThat(dom.split("<figure ").length - 1).isGreaterThanOrEqualTo(5);
        run(chromium, flags, "--screenshot=" + screenshot, "--window-size=1200,2000", report.toUri().toString());
        assertThat(Files.size(screenshot)).as("a rendered page, not a blank one").isGreaterThan(20_000);
    }

    private static String run(Path chromium, List<String> flags, String... more) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(flags);
        command.addAll(List.of(more));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(Duration.ofSeconds(90).toSeconds(), TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out);
    }

    private static JsonNode rule(JsonNode root, String ruleId) {
        for (JsonNode r : root.get("rules")) {
            if (r.get("rule_id").asText().equals(ruleId)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + ruleId + " in the report");
    }

}
