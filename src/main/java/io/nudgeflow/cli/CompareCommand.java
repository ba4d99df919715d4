package io.nudgeflow.cli;

import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.pipeline.ReplayJob;
import io.nudgeflow.report.Comparison;
import io.nudgeflow.report.ComparisonReport;
import io.nudgeflow.rules.RuleSetException;
import io.nudgeflow.rules.RuleSetParser;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Backtest a candidate rule set against the current one on the same history, before shipping it. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay the same events with a baseline and a candidate rule set and report, per rule, triggers,",
                "suppressions by reason, users reached and conversion; the users who gain or lose triggers; triggers",
                "per day; and the frequency cap's pressure. The HTML report is one self-contained file."})
public final class CompareCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, paramLabel = "FILE", description = "JSON-lines events, as for replay.")
    Path events;

    @Option(names = "--baseline", required = true, paramLabel = "A.yaml", description = "The rule set in use now.")
    Path baseline;

    @Option(names = "--candidate", required = true, paramLabel = "B.yaml", description = "The rule set you would ship.")
    Path candidate;

    @CommandLine.Mixin
    UntilOption until;

    @Option(names = "--report", required = true, paramLabel = "FILE", description = "Where to write the HTML report.")
    Path report;

    @Option(names = "--json", paramLabel = "FILE", description = "The same numbers as JSON.")
    Path json;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Engine parallelism of each replay; the report is the same for any N (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (parallelism < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism must be at least 1");
        }
        RulesTimeline a;
        RulesTimeline b;
        try {
            a = RuleSetParser.timelineOf(baseline);
            b = RuleSetParser.timelineOf(candidate);
        } catch (RuleSetException e) {
            err.println("Invalid rule file: " + e.getMessage());
            return 2;
        }
        // one end for both runs, so a difference is the rules' alone
        OptionalLong until = this.until.millis(events, err);
        if (until.isEmpty()) {
            return 2;
        }
        long untilMs = until.getAsLong();
        // two replays of the same pipeline, one after the other: each is the backtest `replay` would print
        ReplayJob.Outputs before = ReplayJob.run(events, a, untilMs, parallelism);
        ReplayJob.Outputs after = ReplayJob.run(events, b, untilMs, parallelism);
        Comparison c = Comparison.of(a.latest().rules().version(), before, b.latest().rules().version(), after,
                untilMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(untilMs));
        Files.writeString(report, ComparisonReport.html(c), StandardCharsets.UTF_8);
        if (json != null) {
            Files.writeString(json, ComparisonReport.json(c), StandardCharsets.UTF_8);
        }
        out.printf("%-24s %9s %9s %9s%n", "rule", "baseline", "candidate", "change");
        for (Comparison.RuleRow r : c.rules()) {
            if (r.differs()) {
                out.printf("%-24s %9d %9d %+9d%n", r.ruleId(), r.baseline().sent(), r.candidate().sent(),
                        r.candidate().sent() - r.baseline().sent());
            }
        }
        out.printf("users: %d gain triggers, %d lose triggers, %d both; %s%n", c.users().gained(), c.users().lost(),
                c.users().changed(), c.anyDifference() ? "report: " + report : "no difference at all; report: " + report);
        out.flush();
        return 0;
    }
}
