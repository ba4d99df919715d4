package io.nudgeflow.cli;

import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.io.Topics;
import io.nudgeflow.io.TopicReader;
import io.nudgeflow.pipeline.LiveJob;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSetDiff;
import io.nudgeflow.rules.RuleSetException;
import io.nudgeflow.rules.RuleSetParser;
import io.nudgeflow.rules.RuleStatus;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A growth engineer's rule tools: check a rule file, compare two, ship one to running jobs, see what they run. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Validate, compare, publish rule sets and see which one each job runs.",
        subcommands = {RulesCommand.Validate.class, RulesCommand.Diff.class, RulesCommand.Publish.class,
                RulesCommand.Status.class})
public final class RulesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: validate, diff, publish or status");
    }

    /** A rule file parsed, or the parser's message and exit code 2. */
    private static RuleSet parse(Path file, PrintWriter err) {
        try {
            return RuleSetParser.load(file);
        } catch (RuleSetException e) {
            err.println("Invalid rule file: " + e.getMessage());
            return null;
        }
    }

    /** Where Kafka is and how to reach it (security, timeouts). */
    static final class KafkaOptions {
        @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT,...", description = "Kafka bootstrap servers.")
        String bootstrapServers;

        @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Extra Kafka client property; repeatable.")
        Map<String, String> properties = new LinkedHashMap<>();

        Map<String, String> client() {
            Map<String, String> props = new LinkedHashMap<>(properties);
            props.put("bootstrap.servers", bootstrapServers);
            return props;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a rule file as the job would; print its errors (file:line, rule, field) and exit 2 if invalid.")
    static final class Validate implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Rule file (YAML or JSON).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RuleSet rules = parse(file, spec.commandLine().getErr());
            if (rules == null) {
                return 2;
            }
            spec.commandLine().getOut().printf("%s: valid, version %s, %d rules%n", file, rules.version(), rules.rules().size());
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "What changes from OLD to NEW: settings, rules added, removed and changed, field by field.")
    static final class Diff implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "OLD", description = "The rule file in force (or the one before).")
        Path before;

        @Parameters(index = "1", paramLabel = "NEW", description = "The rule file to compare with it.")
        Path after;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            RuleSet a = parse(before, err);
            RuleSet b = a == null ? null : parse(after, err);
            if (b == null) {
                return 2;
            }
            PrintWriter out = spec.commandLine().getOut();
            RuleSetDiff.Result diff = RuleSetDiff.of(a, b);
            if (diff.isEmpty()) {
                out.println("No difference.");
                return 0;
            }
            if (!diff.settings().isEmpty()) {
                out.println("settings:");
                diff.settings().forEach(c -> out.println("  " + line(c)));
            }
            diff.added().forEach(id -> out.println("+ rule " + id));
            diff.removed().forEach(id -> out.println("- rule " + id));
            diff.changed().forEach((id, changes) -> {
                out.println("~ rule " + id);
                changes.forEach(c -> out.println("    " + line(c)));
            });
            out.flush();
            return 0;
        }

        private static String line(RuleSetDiff.Change c) {
            return c.field() + ": " + (c.before() == null ? "(none)" : c.before()) + " -> " + (c.after() == null ? "(none)" : c.after());
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Validate a rule file, then write it to the rules topic, keyed by the rule set id: every job",
                    "following that id switches to it from its effective instant, without a restart.",
                    "Check the outcome with `rules status`."})
    static final class Publish implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Rule file (YAML or JSON).")
        Path file;

        @CommandLine.Mixin
        KafkaMixin kafka;

        @Option(names = "--topic", defaultValue = Topics.RULES, description = "Default: ${DEFAULT-VALUE}")
        String topic;

        @Option(names = "--rule-set-id", defaultValue = LiveJob.DEFAULT_RULE_SET_ID, paramLabel = "ID",
                description = "The jobs that follow this id take it (default: ${DEFAULT-VALUE}).")
        String ruleSetId;

        @Option(names = "--effective-from", paramLabel = "ISO",
                description = {"Event time from which it decides users (ISO-8601 instant or epoch ms). Default: when it",
                        "is published. A few seconds ahead makes the cut exact: no event after it is decided by the old set."})
        String effectiveFrom;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            RuleSet rules = parse(file, err);
            if (rules == null) {
                return 2;
            }
            Long effective = effectiveFrom == null ? null : RuleDocument.parseInstant(effectiveFrom);
            if (effectiveFrom != null && effective == null) {
                err.println("--effective-from must be an ISO-8601 instant such as 2026-03-05T10:00:00Z or epoch milliseconds, not '"
                        + effectiveFrom + "'");
                return 2;
            }
            String text = RuleSetParser.readText(file);
            Properties props = new Properties();
            props.putAll(kafka.options.client());
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(KAFKA_TIMEOUT.toMillis()));
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(KAFKA_TIMEOUT.toMillis()));
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(KAFKA_TIMEOUT.toMillis() - 1000));
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // a retried send is written once
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, ruleSetId.getBytes(StandardCharsets.UTF_8),
                    text.getBytes(StandardCharsets.UTF_8));
            if (effective != null) {
                record.headers().add(RuleDocument.EFFECTIVE_FROM_HEADER,
                        Instant.ofEpochMilli(effective).toString().getBytes(StandardCharsets.UTF_8));
            }
            RecordMetadata written;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                written = producer.send(record).get(KAFKA_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | KafkaException | java.util.concurrent.TimeoutException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                err.println("Could not publish to " + topic + " at " + kafka.options.bootstrapServers + ": " + cause.getMessage());
                return 1;
            }
            spec.commandLine().getOut().printf("Published %s (rule set id %s) to %s partition %d offset %d, effective from %s.%n"
                            + "Check: nudgeflow rules status --bootstrap-servers %s%n",
                    rules.version(), ruleSetId, topic, written.partition(), written.offset(),
                    Instant.ofEpochMilli(effective != null ? effective : written.timestamp()), kafka.options.bootstrapServers);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The rule set each job runs, from the rules status topic: the active version, since when,",
                    "and the job's last decision (a rejected document with its errors)."})
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaMixin kafka;

        @Option(names = "--status-topic", defaultValue = Topics.RULES_STATUS, description = "Default: ${DEFAULT-VALUE}")
        String statusTopic;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            TopicReader.Contents contents;
            try {
                contents = TopicReader.readAll(kafka.options.client(), statusTopic, KAFKA_TIMEOUT);
            } catch (KafkaException e) {
                err.println("Could not read " + statusTopic + " at " + kafka.options.bootstrapServers + ": " + e.getMessage());
                return 1;
            }
            Map<String, JobStatus> jobs = new TreeMap<>();
            int unreadable = 0;
            for (ConsumerRecord<byte[], byte[]> r : contents.records()) {
                try {
                    RuleStatus s = RuleStatus.fromJson(new String(r.value(), StandardCharsets.UTF_8));
                    jobs.computeIfAbsent(s.job() + " / " + s.ruleSetId(), k -> new JobStatus()).add(s);
                } catch (Exception e) {
                    unreadable++;
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (jobs.isEmpty()) {
                out.println("No rule decisions on " + statusTopic + " yet: every job runs the rules it was started with.");
                return 0;
            }
            out.printf("%-36s %-28s %-24s %s%n", "job / rule set id", "active version", "effective from", "last decision");
            jobs.forEach((job, s) -> {
                RuleStatus last = s.last;
                out.printf("%-36s %-28s %-24s %s %s (offset %d, %s)%n", job, last.activeVersion(),
                        s.lastAccepted == null ? "(started with it)" : s.lastAccepted.effectiveFrom(),
                        last.outcome(), last.version() == null ? "?" : last.version(), last.offset(), last.decidedAt());
                if (RuleStatus.REJECTED.equals(last.outcome())) {
                    last.errors().forEach(p -> out.printf("%-36s   error:%s%s %s%n", "",
                            p.rule() == null ? "" : " rule '" + p.rule() + "'", p.field() == null ? "" : " field '" + p.field() + "'",
                            p.message()));
                }
            });
            if (unreadable > 0) {
                err.println(unreadable + " records of " + statusTopic + " are not status lines and were skipped");
            }
            out.flush();
            return 0;
        }

        private static final class JobStatus {
            RuleStatus last;
            RuleStatus lastAccepted;

            void add(RuleStatus s) {
                last = s;
                if (RuleStatus.ACCEPTED.equals(s.outcome())) {
                    lastAccepted = s;
                }
            }
        }
    }

    /** The Kafka options of the commands that talk to Kafka. */
    static final class KafkaMixin {
        @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        KafkaOptions options;
    }

}
