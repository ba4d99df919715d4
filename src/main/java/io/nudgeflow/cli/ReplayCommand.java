package io.nudgeflow.cli;

import io.nudgeflow.domain.Rule;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.io.JsonLines;
import io.nudgeflow.pipeline.ReplayJob;
import io.nudgeflow.report.OutcomeSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Backtest a rule set on historical events with the live engine, in event time (SPEC section 6). */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Backtest: run JSON-lines events through the same engine as the live job, in event time,",
                "and write the triggers (fire_time order), segment changes, suppressed triggers and outcomes as JSON lines.",
                "A per-rule summary and the outcomes per rule and experiment arm (with the uplift over the holdout)",
                "go to stderr. Bad input lines are reported and skipped."})
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, paramLabel = "FILE|-", description = "JSON-lines events; - reads stdin.")
    String events;

    @CommandLine.Mixin
    RuleHistoryOptions rules;

    @CommandLine.Mixin
    UntilOption until;

    @Option(names = "--out", paramLabel = "FILE|-", defaultValue = "-", description = "Triggers as JSON lines (default: stdout).")
    String out;

    @Option(names = "--segments-out", paramLabel = "FILE", description = "Segment changes as JSON lines.")
    Path segmentsOut;

    @Option(names = "--suppressed-out", paramLabel = "FILE", description = "Suppressed triggers as JSON lines.")
    Path suppressedOut;

    @Option(names = "--outcomes-out", paramLabel = "FILE", description = "Trigger outcomes (did the rule's goal happen within its window) as JSON lines.")
    Path outcomesOut;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Engine parallelism; the output is the same for any N (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (parallelism < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism must be at least 1");
        }
        RulesTimeline timeline = rules.timeline(err);
        if (timeline == null) {
            return 2;
        }
        Path input = "-".equals(events) ? copyOfStdin() : Path.of(events);
        try {
            OptionalLong untilMs = until.millis(input, err); // says so when the events file is missing
            if (untilMs.isEmpty()) {
                return 2;
            }
            ReplayJob.Outputs outputs = ReplayJob.run(input, timeline, untilMs.getAsLong(), parallelism);
            write(out, outputs.triggers());
            if (segmentsOut != null) {
                write(segmentsOut.toString(), outputs.segmentChanges());
            }
            if (suppressedOut != null) {
                write(suppressedOut.toString(), outputs.suppressed());
            }
            if (outcomesOut != null) {
                write(outcomesOut.toString(), outputs.outcomes());
            }
            for (String deadLetter : outputs.deadLetters()) {
                // stdin is named as it was given: the temporary copy's name means nothing to the user
                err.println("skipped " + ("-".equals(events) ? "-" : input.getFileName().toString()) + " " + deadLetter);
            }
            printSummary(err, timeline, outputs, untilMs.getAsLong());
            err.println();
            OutcomeSummary.of(outputs.triggers(), outputs.suppressed(), outputs.outcomes()).print(err);
            err.flush();
            return 0;
        } finally {
            if ("-".equals(events)) {
                Files.deleteIfExists(input);
            }
        }
    }

    private static Path copyOfStdin() throws IOException {
        Path copy = Files.createTempFile("nudgeflow-stdin", ".jsonl");
        try (InputStream in = System.in) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    private void write(String target, List<String> lines) throws IOException {
        if ("-".equals(target)) {
            PrintWriter stdout = spec.commandLine().getOut();
            lines.forEach(stdout::println);
            stdout.flush();
        } else {
            Files.write(Path.of(target), lines, StandardCharsets.UTF_8);
        }
    }

    private static void printSummary(PrintWriter err, RulesTimeline timeline, ReplayJob.Outputs outputs, long untilMs) {
        Map<String, int[]> counts = new TreeMap<>();
        for (RulesTimeline.Entry entry : timeline.entries()) {
            for (Rule rule : entry.rules().rules()) {
                counts.put(rule.id(), new int[2]);
            }
        }
        outputs.triggers().forEach(line -> counts.computeIfAbsent(JsonLines.field(line, "rule_id"), k -> new int[2])[0]++);
        outputs.suppressed().forEach(line -> counts.computeIfAbsent(JsonLines.field(line, "rule_id"), k -> new int[2])[1]++);
        err.printf("%-24s %9s %11s%n", "rule", "triggers", "suppressed");
        counts.forEach((rule, c) -> err.printf("%-24s %9d %11d%n", rule, c[0], c[1]));
        err.printf("%-24s %9d %11d%n", "total", outputs.triggers().size(), outputs.suppressed().size());
        StringBuilder versions = new StringBuilder();
        for (RulesTimeline.Entry entry : timeline.entries()) {
            versions.append(versions.isEmpty() ? "" : ", then ").append(entry.rules().version())
                    .append(entry.effectiveFrom() == Long.MIN_VALUE ? "" : " from " + Instant.ofEpochMilli(entry.effectiveFrom()));
        }
        err.printf("rule set %s, until %s, %d segment changes, %d bad lines skipped%n", versions,
                untilMs == Long.MIN_VALUE ? "-" : Instant.ofEpochMilli(untilMs), outputs.segmentChanges().size(),
                outputs.deadLetters().size());
        err.flush();
    }
}
