package io.nudgeflow.bench;

import io.nudgeflow.embedded.EmbeddedKafka;

/**
 * Deadline lateness alone, at each background rate given: {@code ProfileDeadlines 0 2000} measures a quiet
 * stream (the seeds only) and the report's load, each on a fresh job, after one quiet run that warms the JVM
 * up (the first job in a JVM runs with a cold JIT).
 */
public final class ProfileDeadlines {
    private ProfileDeadlines() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            System.out.println("warm-up, not measured:");
            new KafkaStages(kafka, Settings.forReport()).deadlines(0);
            for (String rate : args) { // a stage object each: fresh topic names
                new KafkaStages(kafka, Settings.forReport()).deadlines(Integer.parseInt(rate));
            }
        }
    }
}
