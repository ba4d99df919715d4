package io.nudgeflow.demo;

import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.io.DeadLetterHeaders;
import io.nudgeflow.io.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.nudgeflow.rules.RuleStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the output topics like a downstream service would and prints each record as it arrives. */
final class OutputPrinter implements Runnable {
    private static final DateTimeFormatter SIM_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final String bootstrapServers;
    private final Topics topics;
    private final PrintStream out;
    private final long startNanos;
    private volatile boolean stopped;
    final Map<String, Integer> triggersByRule = new TreeMap<>();
    final Map<String, Integer> suppressedByRule = new TreeMap<>();
    final Map<String, Integer> segmentsByStage = new TreeMap<>();
    final Map<String, Integer> triggersByRuleSet = new TreeMap<>();
    /** Per rule: outcomes followed to their end, and how many converted. */
    final Map<String, int[]> outcomesByRule = new TreeMap<>();
    volatile int deadLetters;
    volatile long firstOutputNanos;

    OutputPrinter(String bootstrapServers, Topics topics, PrintStream out, long startNanos) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.out = out;
        this.startNanos = startNanos;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrapServers, "group.id", "nudgeflow-demo-printer",
                "auto.offset.reset", "earliest", "fetch.max.wait.ms", 50),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(java.util.List.of(topics.engagementTriggers(), topics.suppressedTriggers(),
                    topics.segmentChanges(), topics.deadLetters(), topics.rulesStatus(), topics.triggerOutcomes()));
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    print(record);
                }
            }
        }
    }

    private synchronized void print(ConsumerRecord<byte[], byte[]> record) {
        if (firstOutputNanos == 0) {
            firstOutputNanos = System.nanoTime();
        }
        String elapsed = String.format("%6.1fs", (System.nanoTime() - startNanos) / 1e9);
        try {
            if (record.topic().equals(topics.segmentChanges())) {
                SegmentChange c = SegmentChange.getDecoder().decode(record.value());
                segmentsByStage.merge(c.getToStage().name(), 1, Integer::sum);
                out.printf("%s  sim %s  SEGMENT    %-10s %-13s -> %-13s (%s)%n", elapsed, SIM_TIME.format(c.getChangeTime()),
                        c.getUserId(), c.getFromStage() == null ? "(new)" : c.getFromStage(), c.getToStage(), c.getReason());
            } else if (record.topic().equals(topics.rulesStatus())) {
                RuleStatus s = RuleStatus.fromJson(new String(record.value(), StandardCharsets.UTF_8));
                out.printf("%s  RULES      %s %s, in force from sim %s%s%n", elapsed, s.outcome(), s.version(),
                        SIM_TIME.format(Instant.parse(s.effectiveFrom())), s.errors().isEmpty() ? "" : " " + s.errors());
            } else if (record.topic().equals(topics.triggerOutcomes())) {
                TriggerOutcome o = TriggerOutcome.getDecoder().decode(record.value());
                int[] counts = outcomesByRule.computeIfAbsent(o.getRuleId(), r -> new int[2]);
                counts[0]++;
                counts[1] += o.getConverted() ? 1 : 0;
                out.printf("%s  sim %s  OUTCOME    %-10s %-20s %s%s%n", elapsed,
                        SIM_TIME.format(o.getConverted() ? o.getConvertedAt() : o.getWindowEnd()), o.getUserId(), o.getRuleId(),
                        o.getConverted() ? "CONVERTED after " + Duration.ofMillis(o.getTimeToConvertMs()).toString().substring(2).toLowerCase()
                                : "not converted (" + o.getEndedBy() + ")", o.getHoldout() ? " [holdout]" : "");
            } else if (record.topic().equals(topics.deadLetters())) {
                deadLetters++;
                out.printf("%s  DEAD-LETTER %s%n", elapsed, header(record, DeadLetterHeaders.REASON));
            } else {
                Trigger t = Trigger.getDecoder().decode(record.value());
                boolean suppressed = t.getSuppressedReason() != null;
                (suppressed ? suppressedByRule : triggersByRule).merge(t.getRuleId(), 1, Integer::sum);
                triggersByRuleSet.merge(t.getRuleSetVersion(), 1, Integer::sum);
                out.printf("%s  sim %s  %-10s %-10s %-20s %-12s stage=%-13s %s%s rules=%s%n", elapsed, SIM_TIME.format(t.getFireTime()),
                        suppressed ? "SUPPRESSED" : "TRIGGER", t.getUserId(), t.getRuleId(), t.getKind(), t.getStage(),
                        t.getAttributes(), suppressed ? " reason=" + t.getSuppressedReason() : "", t.getRuleSetVersion());
            }
        } catch (java.io.IOException e) {
            out.printf("%s  (undecodable record on %s: %s)%n", elapsed, record.topic(), e.getMessage());
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    synchronized void printSummary(Instant simNow) {
        out.println();
        out.println("Summary (simulated clock reached " + simNow.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + "):");
        out.printf("  %-22s %9s %11s %20s%n", "rule", "triggers", "suppressed", "converted/followed");
        TreeMap<String, Integer> rules = new TreeMap<>(triggersByRule);
        suppressedByRule.keySet().forEach(r -> rules.putIfAbsent(r, 0));
        outcomesByRule.keySet().forEach(r -> rules.putIfAbsent(r, 0));
        rules.forEach((rule, n) -> {
            int[] o = outcomesByRule.getOrDefault(rule, new int[2]);
            out.printf("  %-22s %9d %11d %20s%n", rule, n, suppressedByRule.getOrDefault(rule, 0), o[0] == 0 ? "-" : o[1] + "/" + o[0]);
        });
        out.println("  triggers by rule set: " + triggersByRuleSet);
        out.println("  segment changes into: " + segmentsByStage);
        out.println("  dead letters: " + deadLetters);
    }
}
