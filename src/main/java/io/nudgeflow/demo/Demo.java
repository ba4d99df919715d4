package io.nudgeflow.demo;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.embedded.EmbeddedKafka;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.Topics;
import io.nudgeflow.pipeline.JobConfig;
import io.nudgeflow.pipeline.JobStart;
import io.nudgeflow.pipeline.LiveJob;
import io.nudgeflow.rules.RuleSetParser;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The `demo` command's run: start everything, print outputs, stop cleanly on Ctrl-C or after a duration. */
public final class Demo {
    private static final int SIMULATED_DAYS = 90;

    private final int users;
    private final long speed;
    private final int webUiPort;
    private final long seed;
    private final PrintStream out;

    public Demo(int users, long speed, int webUiPort, long seed, PrintStream out) {
        this.users = users;
        this.speed = speed;
        this.webUiPort = webUiPort;
        this.seed = seed;
        this.out = out;
    }

    public int run(Duration duration) throws Exception {
        long startNanos = System.nanoTime();
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            awaitQuietly(stopped, 60);
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.println("Nudgeflow demo: starting an embedded Kafka broker (KRaft) ...");
        Topics topics = Topics.defaults();
        RuleSet rules = RuleSetParser.loadDefault();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, topics.all());
            kafka.createTopics(1, topics.control());
            out.printf("  Kafka at %s (%.1fs)%n", kafka.bootstrapServers(), seconds(startNanos));

            long now = System.currentTimeMillis();
            ClockScale clock = ClockScale.compressed(now, now, speed);
            int port = portOrFree(webUiPort);
            // checkpoints to a file system as on a cluster (JobManager memory holds at most 5 MB of state)
            String checkpoints = java.nio.file.Files.createTempDirectory("nudgeflow-demo-checkpoints").toUri().toString();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(
                    JobConfig.of("rocksdb", Duration.ofSeconds(10), checkpoints, Duration.ofMillis(5),
                            Map.of("rest.port", Integer.toString(port))));
            env.setParallelism(2);
            LiveJob.build(env, KafkaSettings.atLeastOnce(kafka.bootstrapServers(), "nudgeflow-demo", topics),
                    EngineSettings.live(RuleSetParser.timelineOf(null), clock, null), false);
            JobClient job = env.executeAsync("nudgeflow-demo");
            JobStart.awaitRunning(job, Duration.ofSeconds(60));
            out.printf("  Flink job running on a local mini cluster, web UI at http://localhost:%d (%.1fs)%n", port, seconds(startNanos));
            out.printf("  Rule set %s, %d users. COMPRESSED CLOCK: 1 simulated day = %.1f real seconds (x%d);%n",
                    rules.version(), users, 86_400.0 / speed, speed);
            out.println("  rules are unchanged (24 h inactivity = 24 simulated hours); " + (duration != null
                    ? "halfway through" : "after a minute") + " a changed rule set is published live. Ctrl-C stops.");
            out.println();

            // the population starts at the simulated "now", once the job runs: no burst of start-up backlog
            Instant populationStart = Instant.ofEpochMilli(clock.toSim(System.currentTimeMillis()));
            List<Population.Scheduled> schedule = Population.generate(users, populationStart, SIMULATED_DAYS, seed);
            OutputPrinter printer = new OutputPrinter(kafka.bootstrapServers(), topics, out, startNanos);
            EventFeeder feeder = new EventFeeder(kafka.bootstrapServers(), topics.userEvents(), clock, schedule, 500);
            Thread printerThread = new Thread(printer, "demo-printer");
            Thread feederThread = new Thread(feeder, "demo-feeder");
            printerThread.start();
            feederThread.start();

            // halfway (or after a minute when running until Ctrl-C), the rules change live
            long switchAfter = duration != null ? duration.toMillis() / 2 : 60_000;
            if (!stopRequested.await(switchAfter, TimeUnit.MILLISECONDS)) {
                try {
                    DemoRuleChange.publish(kafka.bootstrapServers(), topics.rules(), out);
                } catch (Exception e) { // the demo goes on with the rules it has
                    out.println(">>> The rule change could not be published: " + e.getMessage());
                }
                if (duration != null) {
                    stopRequested.await(duration.toMillis() - switchAfter, TimeUnit.MILLISECONDS);
                } else {
                    stopRequested.await();
                }
            }
            out.println();
            out.println("Stopping ...");
            feeder.stop();
            feederThread.join(5_000);
            job.cancel().get(30, TimeUnit.SECONDS);
            printer.stop();
            printerThread.join(5_000);
            printer.printSummary(Instant.ofEpochMilli(clock.toSim(System.currentTimeMillis())));
            out.printf("  %d events sent; first output after %.1fs%n", feeder.sent,
                    printer.firstOutputNanos == 0 ? Double.NaN : (printer.firstOutputNanos - startNanos) / 1e9);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running and waits for `stopped`
            }
        }
        out.println("Stopped.");
        return 0;
    }

    private static int portOrFree(int preferred) throws IOException {
        try (ServerSocket socket = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException taken) {
            return EmbeddedKafka.freePort();
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
