package io.nudgeflow.cli;

import io.nudgeflow.domain.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Command-line durations in the rule-file notation: 30s, 5m, 24h, 7d, PT1H. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
