package io.nudgeflow.demo;

import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.rules.RuleSetDiff;
import io.nudgeflow.rules.RuleSetParser;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What a growth engineer does halfway through the demo: publish a changed rule set to the rules topic, as
 * {@code nudgeflow rules publish} does. The job switches to it without a restart; its triggers say so.
 */
final class DemoRuleChange {
    static final String VERSION = "demo-live-change";

    private DemoRuleChange() {}

    /** The default rules with a shorter first re-engagement, new copy on it, and a new two-day streak celebration. */
    static String document() {
        String text = RuleSetParser.defaultText()
                .replace("version: default-2026-11-22", "version: " + VERSION)
                .replace("    after: 24h\n    attributes: {hours_inactive: \"{hours_inactive}\"}",
                        "    after: 12h\n    attributes: {hours_inactive: \"{hours_inactive}\", copy: we_miss_you_v2}")
                .replace("  - id: streak_3\n", "  - id: streak_2\n    kind: STREAK\n    type: streak\n    days: 2\n"
                        + "    attributes: {streak_days: \"{streak_days}\"}\n\n  - id: streak_3\n");
        if (!text.contains("id: streak_2") || !text.contains("after: 12h")) {
            throw new IllegalStateException("the demo's rule change no longer applies to the default rules");
        }
        return text;
    }

    static void publish(String bootstrapServers, String topic, PrintStream out) throws Exception {
        String text = document();
        RuleSet before = RuleSetParser.loadDefault();
        RuleSet after = RuleSetParser.parse(text, VERSION + ".yaml");
        out.println();
        out.println(">>> RULE CHANGE: publishing rule set " + VERSION + " to " + topic + " (the job keeps running):");
        RuleSetDiff.Result diff = RuleSetDiff.of(before, after);
        diff.added().forEach(id -> out.println(">>>   + rule " + id));
        diff.changed().forEach((id, changes) -> changes.forEach(c ->
                out.println(">>>   ~ rule " + id + ": " + c.field() + " " + c.before() + " -> " + c.after())));
        out.println(">>> Triggers decided by it say rules=" + VERSION + "; the status topic says when it took over.");
        out.println();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "default".getBytes(StandardCharsets.UTF_8),
                    text.getBytes(StandardCharsets.UTF_8))).get(15, TimeUnit.SECONDS);
        }
    }
}
