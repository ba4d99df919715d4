package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.io.AvroBytes;
import io.nudgeflow.io.DeadLetterHeaders;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.OtherSchemaVersions;
import io.nudgeflow.io.Topics;
import io.nudgeflow.io.WriterSchemas;
import io.nudgeflow.pipeline.JobConfig;
import io.nudgeflow.pipeline.LiveJob;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The live job on a real Kafka broker (KRaft, in-process) and a Flink mini cluster with RocksDB state. */
class LiveJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    @Test
    void avroEventsFlowThroughTheEngineToEveryTopicAndDeadlinesFireOnAQuietStream(@TempDir Path rocksDir,
            @TempDir Path schemaDir) throws Exception {
        KafkaSettings kafkaSettings = TestTopics.fresh(BROKER.kafka(), 2);
        Topics topics = kafkaSettings.topics();

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // the lesson's 24 h deadline comes 15 s from now by the wall clock, with no event after it; the user
        // lives where that is midday, so quiet hours never defer it whenever the test runs
        Instant quietLesson = now.minus(Duration.ofHours(24)).plusSeconds(15);
        String middayZone = middayZoneAt(quietLesson.plus(Duration.ofHours(24)));
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        Schema newer = OtherSchemaVersions.schema("/schemas/UserEvent-next.avsc");
        Schema incompatible = OtherSchemaVersions.schema("/schemas/UserEvent-user-id-as-long.avsc");
        Files.writeString(schemaDir.resolve("user-event-5.3.avsc"), newer.toString(true));
        Files.writeString(schemaDir.resolve("user-event-broken.avsc"), incompatible.toString(true));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BROKER.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, topics, event("e1", "newbie", "signup", now.minusSeconds(60)));
            // the achiever's app was upgraded in between: schema version 1, then a newer producer's schema
            producer.send(new ProducerRecord<>(topics.userEvents(), key("achiever"), OtherSchemaVersions.written(
                    OtherSchemaVersions.schema("/schemas/UserEvent.v1.avsc"), Map.of("event_id", "e2", "user_id", "achiever",
                            "event_type", "profile_completed", "event_time", now.minusSeconds(50).toEpochMilli())))).get();
            producer.send(new ProducerRecord<>(topics.userEvents(), key("achiever"), OtherSchemaVersions.written(newer,
                    Map.of("event_id", "e3", "user_id", "achiever", "event_type", "goal_set", "app_version", "5.3.0",
                            "event_time", now.minusSeconds(40).toEpochMilli())))).get();
            producer.send(new ProducerRecord<>(topics.userEvents(), key("broken-app"), OtherSchemaVersions.written(
                    incompatible, Map.of("event_id", "e9", "user_id", 42L, "event_type", "goal_set",
                            "event_time", now.minusSeconds(40).toEpochMilli())))).get();
            send(producer, topics, event("e4", "achiever", "lesson_completed", now.minusSeconds(30)));
            UserEvent lesson = event("e5", "quiet", "lesson_completed", quietLesson);
            lesson.setTimezone(middayZone);
            send(producer, topics, lesson);
            producer.send(new ProducerRecord<>(topics.userEvents(), "bad".getBytes(StandardCharsets.UTF_8), garbage)).get();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(JobConfig.of(
                "rocksdb", Duration.ofSeconds(2), null, Duration.ofMillis(5),
                Map.of("restart-strategy.type", "none", "state.backend.rocksdb.localdir", rocksDir.toString())));
        env.setParallelism(2);
        LiveJob.build(env, kafkaSettings, EngineSettings.live(RuleSetParser.loadDefault(), ClockScale.REAL,
                Duration.ofDays(400)), WriterSchemas.withDirectory(schemaDir), false, LiveJob.DEFAULT_RULE_SET_ID);
        JobClient job = env.executeAsync("nudgeflow-it");

        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Trigger> triggers = new ArrayList<>();
        List<SegmentChange> segments = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", BROKER.bootstrapServers(),
                "group.id", "it-reader-" + kafkaSettings.groupId(), "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.engagementTriggers(), topics.segmentChanges(), topics.deadLetters()));
            pollUntil(consumer, records, Duration.ofSeconds(90), () -> {
                triggers.clear();
                segments.clear();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(topics.engagementTriggers())) {
                        triggers.add(Outputs.decode(() -> Trigger.getDecoder().decode(r.value())));
                    } else if (r.topic().equals(topics.segmentChanges())) {
                        segments.add(Outputs.decode(() -> SegmentChange.getDecoder().decode(r.value())));
                    }
                }
                return triggers.stream().anyMatch(t -> t.getRuleId().equals("inactive_24h"))
                        && segments.size() >= 4
                        && records.stream().filter(r -> r.topic().equals(topics.deadLetters())).count() >= 2;
            });
            try (Stream<Path> files = Files.walk(rocksDir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("the engine's state lives in RocksDB").anyMatch(name -> name.equals("CURRENT") || name.endsWith(".sst") || name.startsWith("MANIFEST"));
            }
        } finally {
            job.cancel().get();
        }

        assertThat(segments).extracting(c -> c.getUserId() + ":" + c.getFromStage() + "->" + c.getToStage())
                .containsExactlyInAnyOrder("newbie:null->NEW", "achiever:null->NEW", "achiever:NEW->CASUAL", "quiet:null->NEW");
        Trigger milestone = triggers.stream().filter(t -> t.getRuleId().equals("onboarding_completed")).findFirst().orElseThrow();
        assertThat(milestone.getUserId()).isEqualTo("achiever");
        assertThat(milestone.getCauseEventId()).isEqualTo("e4");

        Trigger inactive = triggers.stream().filter(t -> t.getRuleId().equals("inactive_24h")).findFirst().orElseThrow();
        assertThat(inactive.getUserId()).isEqualTo("quiet");
        assertThat(inactive.getFireTime()).isEqualTo(quietLesson.plus(Duration.ofHours(24)));
        assertThat(inactive.getEmittedAt()).as("emitted by the wall clock, not before its deadline")
                .isAfterOrEqualTo(inactive.getFireTime());
        System.out.printf("inactive_24h emitted %d ms after its deadline%n",
                Duration.between(inactive.getFireTime(), inactive.getEmittedAt()).toMillis());

        ConsumerRecord<byte[], byte[]> dead = records.stream().filter(r -> r.topic().equals(topics.deadLetters())
                && new String(r.key(), StandardCharsets.UTF_8).equals("bad")).findFirst().orElseThrow();
        ConsumerRecord<byte[], byte[]> unreadable = records.stream().filter(r -> r.topic().equals(topics.deadLetters())
                && new String(r.key(), StandardCharsets.UTF_8).equals("broken-app")).findFirst().orElseThrow();
        assertThat(header(unreadable, DeadLetterHeaders.REASON)).isEqualTo(String.format(
                "UNDECODABLE: writer schema %016x cannot be read as UserEvent: TYPE_MISMATCH at /fields/1/type "
                        + "(reader type: STRING not compatible with writer type: LONG)", WriterSchemas.fingerprint(incompatible)));
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("bad");
        assertThat(header(dead, DeadLetterHeaders.REASON)).startsWith("UNDECODABLE");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topics.userEvents());
        assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).matches("\\d+");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_PARTITION)).matches("[01]");

        ConsumerRecord<byte[], byte[]> triggerRecord = records.stream()
                .filter(r -> r.topic().equals(topics.engagementTriggers())).findFirst().orElseThrow();
        assertThat(new String(triggerRecord.key(), StandardCharsets.UTF_8))
                .isEqualTo(Outputs.decode(() -> Trigger.getDecoder().decode(triggerRecord.value())).getUserId());
    }

    /**
     * A producer that writes in transactions leaves a commit marker after its records: the source never
     * hands on a record at that offset, so "read up to the end offset" must look past markers, or the job's
     * time would stand still on a quiet stream after such a producer.
     */
    @Test
    void deadlinesFireOnAQuietStreamAfterATransactionalProducer(@TempDir Path dir,
            @org.apache.flink.test.junit5.InjectMiniCluster org.apache.flink.runtime.minicluster.MiniCluster cluster)
            throws Exception {
        KafkaSettings settings = TestTopics.fresh(BROKER.kafka(), 1);
        Topics topics = settings.topics();
        io.nudgeflow.domain.RuleSet rules = RuleSetParser.parse("""
                version: it-tx
                active_events: [lesson_completed]
                onboarding: {checklist: [lesson_completed]}
                guardrails: {quiet_hours: off}
                rules:
                  - {id: inactive_2s, kind: REENGAGEMENT, type: inactivity, after: 2s}
                """, "tx.yaml");
        try (LiveRun job = LiveRun.start(cluster, settings, EngineSettings.live(rules, ClockScale.REAL, null), 1, dir, null, 0);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BROKER.bootstrapServers(),
                        "transactional.id", "it-upstream-" + settings.groupId()), new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant lesson = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, topics, event("tx-1", "upstream-user", "lesson_completed", lesson));
            producer.commitTransaction();

            job.awaitJobTime(lesson.plusSeconds(2).toEpochMilli(), Duration.ofSeconds(60));
            job.flush();
            assertThat(Outputs.ofTopics(BROKER.bootstrapServers(), topics).triggers())
                    .extracting(Outputs.TriggerOut::ruleId, Outputs.TriggerOut::fireTime)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("inactive_2s", lesson.plusSeconds(2)));
        }
    }

    /** A fixed-offset zone in which {@code instant} is between 11:30 and 12:30 local time. */
    private static String middayZoneAt(Instant instant) {
        int utcHour = instant.atZone(java.time.ZoneOffset.UTC).getHour();
        int offset = Math.floorMod(12 - utcHour, 24);
        if (offset > 12) {
            offset -= 24;
        }
        // POSIX-style names: Etc/GMT-3 is UTC+3
        return offset == 0 ? "UTC" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
    }

    private static UserEvent event(String id, String user, String type, Instant time) {
        return UserEvent.newBuilder().setEventId(id).setUserId(user).setEventType(type).setEventTime(time)
                .setTimezone(null).setValue(null).setProperties(Map.of()).build();
    }

    private static byte[] key(String userId) {
        return userId.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, UserEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topics.userEvents(), event.getUserId().getBytes(StandardCharsets.UTF_8),
                AvroBytes.singleObject(event))).get();
    }

    private static void pollUntil(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> into,
            Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("outputs within %s; got %d records", timeout, into.size()).isLessThan(deadline);
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
