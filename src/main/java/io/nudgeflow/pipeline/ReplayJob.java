package io.nudgeflow.pipeline;

import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.flink.Descriptors;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.io.BadEventException;
import io.nudgeflow.io.ByteLines;
import io.nudgeflow.io.DeadLetter;
import io.nudgeflow.io.EventIntake;
import io.nudgeflow.io.EventValidator;
import io.nudgeflow.io.JsonEventDecoder;
import io.nudgeflow.io.JsonLines;
import io.nudgeflow.io.JsonLinesFileSink;
import io.nudgeflow.io.NumberedLineFormat;
import io.nudgeflow.io.RawEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Backtest: JSON-lines events through the same pipeline as the live job, in event time, on a local mini
 * cluster. Each subtask writes its outputs to a part file; the parts are merged and sorted (triggers by
 * fire_time, user_id, rule_id; outcomes by their trigger's; segment changes by change_time, user_id) so the result is byte-identical
 * whatever the parallelism. Sorting happens in memory: fine for millions of outputs, not for billions.
 */
public final class ReplayJob {
    /** Sorted JSON lines of each output; dead letters as {@code line N: reason}. */
    public record Outputs(List<String> triggers, List<String> segmentChanges, List<String> suppressed,
            List<String> outcomes, List<String> deadLetters) {}

    private ReplayJob() {}

    public static Outputs run(Path events, RuleSet rules, long until, int parallelism) throws Exception {
        return run(events, RulesTimeline.of(rules), until, parallelism);
    }

    /** @param rules the rule history: each rule set decides from its effective instant on, as it did live */
    public static Outputs run(Path events, RulesTimeline rules, long until, int parallelism) throws Exception {
        Path work = Files.createTempDirectory("nudgeflow-replay");
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                    JobConfig.of("hashmap", null, null, Duration.ofMillis(100), Map.of("rest.bind-port", "0")));
            FileSource<RawEvent> file = FileSource
                    .forRecordStreamFormat(new NumberedLineFormat(events.getFileName().toString()),
                            new org.apache.flink.core.fs.Path(events.toAbsolutePath().toUri()))
                    .build();
            // no watermarks until the end of input: deadlines between a user's events are fired by the engine
            // on the next event, the rest when the final watermark arrives, so timing never changes the output
            DataStream<RawEvent> input = env.fromSource(file, WatermarkStrategy.noWatermarks(), "events-file")
                    .setParallelism(1).uid("events-file-source");
            PipelineSinks sinks = new PipelineSinks(
                    new JsonLinesFileSink<Trigger>(work, "triggers", JsonLines::toJson),
                    new JsonLinesFileSink<SegmentChange>(work, "segments", JsonLines::toJson),
                    new JsonLinesFileSink<Trigger>(work, "suppressed", JsonLines::toJson),
                    new JsonLinesFileSink<DeadLetter>(work, "dead-letters", ReplayJob::deadLetterLine),
                    new JsonLinesFileSink<TriggerOutcome>(work, "outcomes", JsonLines::toJson),
                    new DiscardingSink<>());
            EngineSettings settings = EngineSettings.replay(rules, until);
            // no rules topic: the history is in the settings; an input that ends at once keeps the graph the live one
            DataStream<RuleDocument> noDocuments = NoRuleDocuments.of(env);
            NudgeflowPipeline.build(input, noDocuments, new EventIntake(new JsonEventDecoder(), settings.validator(), settings.clock()),
                    settings, new RuleSwitches("replay", "replay", settings.clock()), sinks);
            env.execute("nudgeflow-replay");
            return new Outputs(
                    merged(work, "triggers", byTime("fire_time", "rule_id")),
                    merged(work, "segments", byTime("change_time", "to_stage")),
                    merged(work, "suppressed", byTime("fire_time", "rule_id")),
                    merged(work, "outcomes", byTime("fire_time", "rule_id")),
                    merged(work, "dead-letters", Comparator.comparingLong(ReplayJob::lineNumber)));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The largest event time in the input (the default {@code --until}); lines that do not parse are skipped. */
    public static OptionalLong largestEventTime(Path events) throws IOException {
        JsonEventDecoder decoder = new JsonEventDecoder();
        EventValidator validator = EventValidator.replay();
        long max = Long.MIN_VALUE;
        // the lines as the replay reads them (ByteLines): a bad one is its dead letter, not an error here
        try (InputStream in = new BufferedInputStream(Files.newInputStream(events))) {
            ByteLines lines = new ByteLines(in);
            for (byte[] line = lines.next(); line != null; line = lines.next()) {
                try {
                    var event = decoder.decode(line);
                    validator.validate(event, 0);
                    max = Math.max(max, event.getEventTime().toEpochMilli());
                } catch (BadEventException e) {
                    // reported as a dead letter by the replay itself; it does not move --until
                }
            }
        }
        return max == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(max);
    }

    private static String deadLetterLine(DeadLetter letter) {
        return "line " + letter.raw.offset + ": " + letter.reason;
    }

    private static long lineNumber(String deadLetterLine) {
        return Long.parseLong(deadLetterLine.substring(5, deadLetterLine.indexOf(':')));
    }

    private static List<String> merged(Path work, String name, Comparator<String> order) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> parts = Files.list(work)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith(JsonLinesFileSink.partPrefix(name))).toList()) {
                lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
            }
        }
        // the whole line breaks remaining ties, so equal keys still come out in one fixed order
        lines.sort(order.thenComparing(Comparator.naturalOrder()));
        return lines;
    }

    /** Sorts JSON lines by a time field, then user_id, then a third field; keys are parsed once per line. */
    private static Comparator<String> byTime(String timeField, String thirdField) {
        Map<String, SortKey> keys = new java.util.HashMap<>();
        return Comparator.comparing(line -> keys.computeIfAbsent(line, l -> SortKey.of(l, timeField, thirdField)));
    }

    private record SortKey(Instant time, String userId, String third) implements Comparable<SortKey> {
        static SortKey of(String line, String timeField, String thirdField) {
            return new SortKey(Instant.parse(JsonLines.field(line, timeField)), JsonLines.field(line, "user_id"), JsonLines.field(line, thirdField));
        }

        @Override
        public int compareTo(SortKey o) {
            int c = time.compareTo(o.time);
            if (c == 0) {
                c = userId.compareTo(o.userId);
            }
            return c != 0 ? c : third.compareTo(o.third);
        }
    }
}
