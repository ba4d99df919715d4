package io.nudgeflow.cli;

import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.rules.RuleSetException;
import io.nudgeflow.rules.RuleSetParser;
import io.nudgeflow.rules.RulesHistoryFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --rules} and {@code --rules-history} of the commands that run a history through the engine. */
final class RuleHistoryOptions {
    @Option(names = "--rules", paramLabel = "FILE", description = "Rule file (YAML/JSON). Default: the bundled default rule set.")
    Path rules;

    @Option(names = "--rules-history", paramLabel = "FILE", description = {"Rule sets switched at event times, as live: lines of",
            "'EFFECTIVE_FROM RULE_FILE' (ISO instant, path relative to FILE); --rules is in force before the first."})
    Path rulesHistory;

    /** The rules along the history, or null after saying on {@code err} which file is wrong and where. */
    RulesTimeline timeline(PrintWriter err) {
        try {
            RulesTimeline timeline = RuleSetParser.timelineOf(rules);
            return rulesHistory == null ? timeline : RulesHistoryFile.read(rulesHistory, timeline);
        } catch (RuleSetException e) {
            err.println((rulesHistory != null && e.getMessage().startsWith(rulesHistory.toString()) ? "Invalid rule history: "
                    : "Invalid rule file: ") + e.getMessage());
            return null;
        }
    }
}
