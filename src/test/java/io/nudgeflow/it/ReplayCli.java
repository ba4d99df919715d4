package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.demo.Population;
import io.nudgeflow.io.JsonLines;
import io.nudgeflow.pipeline.ReplayJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code replay} command as a growth engineer runs it: the CLI jar in a JVM of its own, files in and out. */
final class ReplayCli {
    private static final Path JAR = Path.of("target", "nudgeflow.jar");

    private ReplayCli() {}

    /**
     * @param rules a rule file, or null for the bundled default
     * @param more further options ({@code --rules-history FILE})
     */
    static ReplayJob.Outputs run(List<Population.Scheduled> events, Path rules, long until, Path dir, String... more)
            throws Exception {
        Path work = Files.createTempDirectory(dir, "replay");
        Path input = work.resolve("events.jsonl");
        Files.write(input, events.stream().map(s -> JsonLines.toJson(s.event())).toList(), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "replay", "--events", input.toString(), "--until", Instant.ofEpochMilli(until).toString(),
                "--out", work.resolve("triggers.jsonl").toString(),
                "--segments-out", work.resolve("segments.jsonl").toString(),
                "--suppressed-out", work.resolve("suppressed.jsonl").toString(),
                "--outcomes-out", work.resolve("outcomes.jsonl").toString()));
        if (rules != null) {
            command.addAll(List.of("--rules", rules.toString()));
        }
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("replay.log").toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("replay finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(work.resolve("replay.log"))).isZero();
        return new ReplayJob.Outputs(Files.readAllLines(work.resolve("triggers.jsonl")),
                Files.readAllLines(work.resolve("segments.jsonl")), Files.readAllLines(work.resolve("suppressed.jsonl")),
                Files.readAllLines(work.resolve("outcomes.jsonl")), List.of());
    }

    /** {@code java -jar target/nudgeflow.jar ARGS...} as a user runs it; its output, which must end with exit 0. */
    static String nudgeflow(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "nudgeflow", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("nudgeflow %s finished", args[0]).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        return Files.readString(log);
    }
}
