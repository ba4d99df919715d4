package io.nudgeflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar nudgeflow.jar <command>}, and the main class of the cluster job jar. */
@Command(name = "nudgeflow", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Real-time user segmentation and engagement triggers on Apache Flink.",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, CompareCommand.class, ExplainCommand.class,
                RulesCommand.class, CheckpointsCommand.class,
                CommandLine.HelpCommand.class})
public final class NudgeflowCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int exitCode = cli.execute(args);
        // Under application mode (Kubernetes operator, standalone-job) main() runs inside the JobManager:
        // exiting the JVM after a successful `run` would take the JobManager down with it.
        boolean ranJob = cli.getParseResult() != null && cli.getParseResult().subcommand() != null
                && cli.getParseResult().subcommand().commandSpec().userObject() instanceof RunCommand;
        if (exitCode != 0 || !ranJob) {
            System.exit(exitCode);
        }
    }

    public static CommandLine commandLine() {
        return new CommandLine(new NudgeflowCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: demo, run, replay, rules or checkpoints");
    }
}
