package io.nudgeflow.cli;

import io.nudgeflow.ops.JobManagerJobs;
import io.nudgeflow.ops.RetainedCheckpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nudgeflow checkpoints prune}: deletes the retained checkpoints of jobs that no longer run. */
@Command(name = "checkpoints", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Checkpoints that Flink keeps of jobs that no longer run.",
        subcommands = {CheckpointsCommand.Prune.class})
final class CheckpointsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: prune");
    }

    @Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Deletes the checkpoint directories of jobs the cluster does not run (finished, cancelled,"
                    + " failed or unknown) once their newest file is older than --older-than. They are never deleted by"
                    + " Flink (RETAIN_ON_CANCELLATION) and hold every user who was in them, erased users too."
                    + " A running job's directory is never touched; nothing is deleted if the JobManager cannot be asked."})
    static final class Prune implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--checkpoint-dir", required = true, paramLabel = "DIR",
                description = "The cluster's execution.checkpointing.dir (a local or mounted path, or file:// URI).")
        String checkpointDir;

        @Option(names = "--rest-url", required = true, paramLabel = "URL",
                description = "The JobManager's REST endpoint, e.g. http://localhost:8081.")
        URI restUrl;

        @Option(names = "--older-than", defaultValue = "24h", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Grace period: a failed job can be restored from its checkpoint within it (default: ${DEFAULT-VALUE}).")
        Duration olderThan;

        @Option(names = "--dry-run", description = "Only say what would be deleted.")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = checkpointDir.startsWith("file:") ? Path.of(URI.create(checkpointDir)) : Path.of(checkpointDir);
            if (!Files.isDirectory(dir)) {
                err.println("Invalid option --checkpoint-dir: " + dir + " is not a directory");
                return 2;
            }
            List<RetainedCheckpoints.Verdict> verdicts;
            try {
                verdicts = RetainedCheckpoints.judge(RetainedCheckpoints.scan(dir), JobManagerJobs.states(restUrl),
                        Instant.now().minus(olderThan));
            } catch (IOException | java.io.UncheckedIOException e) {
                err.println("Nothing deleted: " + e.getMessage());
                return 1;
            }
            for (RetainedCheckpoints.Verdict v : verdicts) {
                if (v.delete() && !dryRun) {
                    try {
                        RetainedCheckpoints.delete(v.job());
                    } catch (java.io.UncheckedIOException e) {
                        err.println("Could not delete " + v.job().dir() + ": " + e.getMessage());
                        return 1;
                    }
                }
                out.printf("%s %s (%s)%n", v.delete() ? (dryRun ? "would delete" : "deleted") : "kept", v.job().dir(), v.reason());
            }
            return 0;
        }
    }
}
