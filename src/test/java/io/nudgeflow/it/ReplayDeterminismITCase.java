package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.demo.Population;
import io.nudgeflow.io.JsonLines;
import io.nudgeflow.pipeline.ReplayJob;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 6: the same input and rules give byte-identical output, whatever the parallelism. */
class ReplayDeterminismITCase {

    @Test
    void replayOutputIsByteIdenticalAtParallelismOneAndTwo(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Population.Scheduled s : Population.generate(150, Instant.parse("2026-03-01T00:00:00Z"), 45, 7)) {
            lines.add(JsonLines.toJson(s.event()));
        }
        // real exports are messy: some redeliveries, some local reordering, a few broken lines
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            lines.add(random.nextInt(lines.size()), lines.get(random.nextInt(lines.size())));
        }
        for (int i = 0; i + 1 < lines.size(); i += 97) {
            Collections.swap(lines, i, i + 1);
        }
        lines.add(100, "{broken json");
        lines.add(200, "{\"event_id\":\"x\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T00:00:00Z\"}");
        Path events = dir.resolve("events.jsonl");
        Files.write(events, lines);
        long until = Instant.parse("2026-04-20T00:00:00Z").toEpochMilli();

        ReplayJob.Outputs one = ReplayJob.run(events, RuleSetParser.loadDefault(), until, 1);
        ReplayJob.Outputs two = ReplayJob.run(events, RuleSetParser.loadDefault(), until, 2);

        assertThat(one.triggers()).hasSizeGreaterThan(100);
        assertThat(one.segmentChanges()).hasSizeGreaterThan(300);
        assertThat(one.triggers().stream().map(l -> l.replaceAll(".*\"rule_id\":\"([a-z0-9_]+)\".*", "$1")).distinct())
                .contains("inactive_24h", "winback_30d", "onboarding_completed", "onboarding_stalled", "streak_3", "streak_7",
                        "streak_at_risk", "lessons_10");
        assertThat(one.deadLetters()).hasSize(2);
        assertThat(one.deadLetters().get(0)).startsWith("line 101: UNDECODABLE: not JSON");
        assertThat(one.deadLetters().get(1)).isEqualTo("line 201: MISSING_FIELD: user_id");
        assertThat(String.join("\n", two.triggers())).isEqualTo(String.join("\n", one.triggers()));
        assertThat(String.join("\n", two.segmentChanges())).isEqualTo(String.join("\n", one.segmentChanges()));
        assertThat(two.suppressed()).isEqualTo(one.suppressed());
        assertThat(two.deadLetters()).isEqualTo(one.deadLetters());
    }
}
