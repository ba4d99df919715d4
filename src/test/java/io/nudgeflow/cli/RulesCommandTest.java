package io.nudgeflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetParser;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule tools that need no Kafka; publish and status against a real broker are in {@code LiveRulesITCase}. */
class RulesCommandTest {
    private final Cli cli = new Cli();

    private static Path write(Path dir, String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String defaults(String version) {
        return RuleSetParser.defaultText().replace("version: default-2026-11-22", "version: " + version);
    }

    @Test
    void validateSaysWhatIsWrongWhereAndExitsTwo(@TempDir Path dir) throws Exception {
        Path good = write(dir, "good.yaml", defaults("v1"));
        Path bad = write(dir, "bad.yaml", defaults("v2").replace("    after: 48h", "    after: 2 days"));

        assertThat(cli.run("rules", "validate", good.toString())).isZero();
        assertThat(cli.out()).contains("valid, version v1, 19 rules");

        assertThat(cli.run("rules", "validate", bad.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("Invalid rule file: " + bad + ":").contains("rule 'inactive_48h', field 'after'")
                .doesNotContain("Exception");
        assertThat(cli.run("rules", "validate", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(cli.err()).contains("rule file not found");
    }

    @Test
    void diffListsRulesAddedRemovedAndChangedFieldByField(@TempDir Path dir) throws Exception {
        Path before = write(dir, "before.yaml", defaults("v1"));
        String changed = defaults("v2")
                .replace("at_risk_after: 72h", "at_risk_after: 36h")
                .replace("    after: 24h\n    attributes: {hours_inactive", "    after: 6h\n    attributes: {hours_inactive")
                .replace("  - id: payment_failed\n", "  - id: payment_problem\n")
                .replace("active_events: [lesson_completed,", "active_events: [lesson_completed, screen_view,");
        Path after = write(dir, "after.yaml", changed);
        // the same rules written otherwise (JSON-ish flow style, defaults spelled out) are no difference
        Path reformatted = write(dir, "same.yaml", defaults("v1").replace("  window_days: 28\n", ""));

        assertThat(cli.run("rules", "diff", before.toString(), after.toString())).isZero();
        assertThat(cli.out()).contains(
                "settings:",
                "  version: v1 -> v2",
                "  lifecycle.at_risk_after: 72h -> 36h",
                "+ rule payment_problem",
                "- rule payment_failed",
                "~ rule inactive_24h\n    after: 24h -> 6h");
        assertThat(cli.out()).containsPattern("active_events: \\[.*\\] -> \\[.*screen_view.*\\]");
        assertThat(cli.out()).doesNotContain("inactive_48h");

        Cli again = new Cli();
        assertThat(again.run("rules", "diff", before.toString(), reformatted.toString())).isZero();
        assertThat(again.out()).isEqualTo("No difference.\n");
    }

    @Test
    void publishValidatesFirstAndSaysSoWhenKafkaCannotBeReached(@TempDir Path dir) throws Exception {
        Path bad = write(dir, "bad.yaml", defaults("v2").replace("type: inactivity", "type: inactivty"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(cli.run("rules", "publish", bad.toString(), "--bootstrap-servers", "127.0.0.1:" + closedPort)).isEqualTo(2);
        assertThat(cli.err()).contains("unknown rule type 'inactivty'");

        Path good = write(dir, "good.yaml", defaults("v2"));
        assertThat(cli.run("rules", "publish", good.toString(), "--bootstrap-servers", "127.0.0.1:1",
                "--effective-from", "next tuesday")).isEqualTo(2);
        assertThat(cli.err()).contains("--effective-from must be an ISO-8601 instant");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new String[] {"validate", "diff", "publish", "status"}) {
            Cli help = new Cli();
            assertThat(help.run("rules", sub, "--help")).as(sub).isZero();
            assertThat(help.out()).contains("Usage: nudgeflow rules " + sub);
        }
        assertThat(cli.run("rules")).isEqualTo(2);
        assertThat(cli.err()).contains("Missing command: validate, diff, publish or status");
    }
}
