package io.nudgeflow.bench;

import io.nudgeflow.embedded.EmbeddedKafka;
import java.util.List;

/**
 * One latency run of some jobs at one rate, nothing else, with the worst latency of each second: to see
 * where a tail comes from. {@code ProfileLatency 10000 NUDGEFLOW KEYED_PASSTHROUGH}
 */
public final class ProfileLatency {
    private ProfileLatency() {}

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(args[0]);
        List<JobKind> kinds = List.of(args).subList(1, args.length).stream().map(JobKind::valueOf).toList();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (JobKind kind : kinds) { // a stage object each: fresh topic names even when a job is repeated
                new KafkaStages(kafka, Settings.forReport()).latency(rate, List.of(kind));
            }
        }
    }
}
