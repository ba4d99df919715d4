package io.nudgeflow.cli;

import io.nudgeflow.pipeline.ReplayJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import picocli.CommandLine.Option;

/** {@code --until}: how far the deadlines of a history fire at its end. */
final class UntilOption {
    @Option(names = "--until", paramLabel = "ISO", description = "Deadlines up to this instant fire at the end of input. Default: the largest event time.")
    String until;

    /**
     * The instant in epoch ms ({@code Long.MIN_VALUE} for an input without a single event), or empty after saying on
     * {@code err} that the events file is missing or {@code --until} is not an ISO instant.
     */
    OptionalLong millis(Path events, PrintWriter err) throws IOException {
        if (!java.nio.file.Files.isRegularFile(events)) {
            err.println("Events file not found: " + events);
            return OptionalLong.empty();
        }
        if (until == null) {
            return OptionalLong.of(ReplayJob.largestEventTime(events).orElse(Long.MIN_VALUE));
        }
        try {
            return OptionalLong.of(Instant.parse(until).toEpochMilli());
        } catch (DateTimeParseException e) {
            err.println("--until must be an ISO-8601 UTC instant such as 2026-03-05T00:00:00Z, not '" + until + "'");
            return OptionalLong.empty();
        }
    }
}
