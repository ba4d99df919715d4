package io.nudgeflow.cli;

import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.explain.UserTimeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** "Why did I (not) get this?": one user's timeline as replay decides it. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print one user's timeline as replay decides it: their events, stage changes, every trigger",
                "sent or suppressed (with the guardrail), deferred by quiet hours or cancelled, and its outcome."})
public final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, paramLabel = "FILE", description = "JSON-lines events, as for replay.")
    Path events;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "The user_id to explain.")
    String user;

    @CommandLine.Mixin
    RuleHistoryOptions rules;

    @CommandLine.Mixin
    UntilOption until;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        RulesTimeline timeline = rules.timeline(err);
        if (timeline == null) {
            return 2;
        }
        OptionalLong until = this.until.millis(events, err);
        if (until.isEmpty()) {
            return 2;
        }
        long untilMs = until.getAsLong();
        UserTimeline.Story story = UserTimeline.of(events, user, timeline, untilMs);
        if (story.events() == 0) {
            err.println("No event of user '" + user + "' in " + events + (story.badLines() > 0 ? " (" + story.badLines()
                    + " lines could not be read; replay reports them)" : ""));
            return 1;
        }
        out.println("user " + user + ": " + story.events() + " events, rules " + timeline.latest().rules().version()
                + ", deadlines until " + (untilMs == Long.MIN_VALUE ? "-" : Instant.ofEpochMilli(untilMs)));
        UserTimeline.lines(story).forEach(out::println);
        long sent = story.triggers().stream().filter(t -> t.suppressedReason() == null).count();
        out.println(sent + " triggers sent, " + (story.triggers().size() - sent) + " suppressed, "
                + story.outcomes().stream().filter(o -> o.converted()).count() + " of " + story.outcomes().size()
                + " outcomes converted");
        out.flush();
        return 0;
    }
}
