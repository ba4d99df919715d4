package io.nudgeflow.bench;

import io.nudgeflow.embedded.EmbeddedKafka;
import java.util.List;

/**
 * One job draining a pre-loaded topic, nothing else: run it under a profiler (JFR) to see where a job's
 * time goes. {@code ProfileDrain NUDGEFLOW 1000000}
 */
public final class ProfileDrain {
    private ProfileDrain() {}

    public static void main(String[] args) throws Exception {
        JobKind kind = JobKind.valueOf(args[0]);
        long events = Long.parseLong(args[1]);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Jobs.PARALLELISM, List.of("in"));
            kafka.createTopics(Jobs.PARALLELISM, Jobs.nudgeflowOutputs("out"));
            try (OpenLoopProducer producer = new OpenLoopProducer(kafka.bootstrapServers())) {
                producer.burst(new Workload(100_000, 0.1, 1), "in", events);
            }
            long start = System.nanoTime();
            var env = Jobs.environment();
            Jobs.build(kind, env, kafka.bootstrapServers(), "in", "out", "profile", true);
            env.execute("profile-" + kind);
            var span = KafkaStages.Span.ofDrain(kafka.bootstrapServers(), kind, "out");
            System.out.printf("%s drained %,d events in %.1f s: %,.0f events/s sustained, %,.0f over the whole drain, %,d outputs%n", kind, events,
                    (System.nanoTime() - start) / 1e9, span.steadyRate(events), span.wholeRate(events), span.count);
        }
    }
}
