package io.nudgeflow.rules;

import io.nudgeflow.domain.RulesTimeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A rule history for {@code replay --rules-history FILE}: one switch per line, {@code EFFECTIVE_FROM RULE_FILE}
 * (an ISO-8601 instant or epoch milliseconds, then a path relative to the history file), in increasing order;
 * {@code #} starts a comment. Before the first instant the {@code --rules} file (or the default set) is in
 * force. The timeline it builds is bounded as the live job's is ({@link RulesTimeline#MAX_RULE_SETS}).
 */
public final class RulesHistoryFile {
    private RulesHistoryFile() {}

    public static RulesTimeline read(Path history, RulesTimeline start) {
        List<String> lines;
        try {
            lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RuleSetException(history + ": rule history not found");
        } catch (IOException e) {
            throw new RuleSetException(history + ": cannot read rule history: " + e.getMessage(), e);
        }
        RulesTimeline timeline = start;
        long previous = Long.MIN_VALUE;
        Path dir = history.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int comment = line.indexOf('#');
            if (comment >= 0) {
                line = line.substring(0, comment).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            String where = history + ":" + (i + 1) + ": ";
            String[] parts = line.split("\\s+", 2);
            if (parts.length != 2) {
                throw new RuleSetException(where + "expected 'EFFECTIVE_FROM RULE_FILE', got '" + line + "'");
            }
            Long effectiveFrom = RuleDocument.parseInstant(parts[0]);
            if (effectiveFrom == null) {
                throw new RuleSetException(where + "'" + parts[0] + "' is not an ISO-8601 instant (2026-03-05T10:00:00Z) or epoch milliseconds");
            }
            if (effectiveFrom <= previous) {
                throw new RuleSetException(where + "switches must be in increasing order of their instants");
            }
            previous = effectiveFrom;
            Path file = dir.resolve(parts[1]);
            String text = RuleSetParser.readText(file);
            timeline = timeline.switchTo(RuleSetParser.parse(text, file.toString()), effectiveFrom, "file:" + file, text);
        }
        return timeline;
    }
}
