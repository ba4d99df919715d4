package io.nudgeflow.cli;

import io.nudgeflow.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Everything on one machine: embedded Kafka, the job on a mini cluster with web UI, synthetic users. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start an embedded Kafka broker (KRaft), the job on a local Flink mini cluster with its web UI,",
                "and a synthetic user population on a compressed clock; print triggers and segment changes",
                "as they arrive. Stops on Ctrl-C or after --duration."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", converter = DurationConverter.class, description = "Stop after this long, e.g. 90s (default: run until Ctrl-C).")
    Duration duration;

    @Option(names = "--users", defaultValue = "80", description = "Synthetic users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seconds-per-day", defaultValue = "1.2", description = "Real seconds per simulated day (default: ${DEFAULT-VALUE}); rules are unchanged, the clock is compressed.")
    double secondsPerDay;

    @Option(names = "--web-ui-port", defaultValue = "8081", description = "Flink web UI port; a free one is used if it is taken (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(names = "--seed", defaultValue = "42", description = "Population seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        long speed = Math.max(1, Math.round(86_400.0 / secondsPerDay));
        return new Demo(users, speed, webUiPort, seed, System.out).run(duration);
    }
}
