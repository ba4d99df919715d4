package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.cli.NudgeflowCli;
import io.nudgeflow.demo.Population;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.flink.TimeMode;
import io.nudgeflow.io.KafkaConnectors;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.io.TopicReader;
import io.nudgeflow.rules.RuleSetParser;
import io.nudgeflow.rules.RuleStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Rules changed live (README, "Changing rules live") on a real Kafka broker and a Flink mini cluster with
 * RocksDB: rule sets published with {@code nudgeflow rules publish} while events flow, what the job said of
 * each on the status topic, triggers of each version, and replay of the same input with the same rule
 * history giving the same outputs.
 */
class LiveRulesITCase {
    private static final Path SHORT_RULES = Path.of("src", "test", "resources", "it", "short-deadlines.yaml");
    private static final Path V1 = Path.of("src", "test", "resources", "it", "live-rules-v1.yaml");
    private static final Path V2 = Path.of("src", "test", "resources", "it", "live-rules-v2.yaml");
    /** As in LiveEqualsReplayITCase: more than an event takes from the test's producer to the job. */
    private static final Duration IN_TRANSIT = Duration.ofSeconds(2);
    private static final long SETTLE_MS = 12_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(Configuration.fromMap(Map.of("metrics.fetcher.update-interval", "200")))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    @Test
    void threeRuleSetsPublishedInTurnOneInvalidWhileEventsFlowGiveWhatReplayOfTheRuleHistoryGives(@TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings topics = TestTopics.fresh(BROKER.kafka(), 2);
        String shortRules = Files.readString(SHORT_RULES);
        // v2: a deadline made earlier, a new rule, a removed one, a lifecycle threshold; v3: back to 2 s, another rule
        Path v2 = Files.writeString(dir.resolve("v2.yaml"), shortRules.replace("version: it-short-deadlines", "version: it-v2")
                .replace("{id: inactive_4s, kind: REENGAGEMENT, type: inactivity, after: 4s}",
                        "{id: inactive_4s, kind: REENGAGEMENT, type: inactivity, after: 3s}\n"
                                + "  - {id: inactive_1s, kind: NUDGE, type: inactivity, after: 1s}")
                .replace("at_risk_after: 5s", "at_risk_after: 4s")
                .replaceAll("(?m)^  - \\{id: quiz_struggle.*$", ""));
        Path invalid = Files.writeString(dir.resolve("invalid.yaml"), Files.readString(v2)
                .replace("version: it-v2", "version: it-invalid").replace("after: 1s", "after: soon"));
        Path v3 = Files.writeString(dir.resolve("v3.yaml"), shortRules.replace("version: it-short-deadlines", "version: it-v3")
                .replace("{id: lessons_5,", "{id: lessons_3, kind: MILESTONE, type: count, event: lesson_completed, count: 3}\n  - {id: lessons_5,"));

        List<Population.Scheduled> events = TestUsers.generate(30, System.currentTimeMillis() + 1_000, 12_000, 77);
        long t0 = events.get(0).time();
        long v2From = t0 + 4_000;
        long v3From = t0 + 8_000;
        long cut = events.get(events.size() - 1).time() + SETTLE_MS;
        Outputs live;
        try (LiveRun job = LiveRun.start(cluster, topics, settings(SHORT_RULES, IN_TRANSIT), 2, dir, null, 0);
                Feeder feeder = new Feeder(BROKER.bootstrapServers(), topics.topics().userEvents())) {
            CompletableFuture<Void> feeding = feeder.sendInTimeInBackground(events);
            // each published a second before it takes effect: no event after its instant is decided by the one before
            awaitWallClock(v2From - 1_000);
            assertThat(publish(topics, v2, v2From)).contains("Published it-v2");
            awaitWallClock(t0 + 5_000);
            // not through `rules publish`, which would refuse it: as kafka-console-producer would write it
            produce(topics, Files.readString(invalid));
            awaitWallClock(v3From - 1_000);
            assertThat(publish(topics, v3, v3From)).contains("Published it-v3");
            feeding.get();
            job.awaitJobTime(cut, Duration.ofSeconds(90));
            job.flush();
            live = Outputs.ofTopics(BROKER.bootstrapServers(), topics.topics()).upTo(Instant.ofEpochMilli(cut));
            assertThat(job.engineMetric("ruleSetsAccepted")).as("on both instances").isEqualTo(4);
            assertThat(job.engineMetric("ruleSetsRejected")).isEqualTo(2);
        }

        List<RuleStatus> statuses = statuses(topics);
        assertThat(statuses).extracting(RuleStatus::outcome)
                .containsExactly(RuleStatus.ACCEPTED, RuleStatus.REJECTED, RuleStatus.ACCEPTED);
        assertThat(statuses).extracting(RuleStatus::job).containsOnly(topics.groupId());
        assertThat(statuses).extracting(RuleStatus::activeVersion).containsExactly("it-v2", "it-v2", "it-v3");
        assertThat(statuses.get(0).effectiveFrom()).isEqualTo(Instant.ofEpochMilli(v2From).toString());
        assertThat(statuses.get(1).errors()).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo("inactive_1s");
            assertThat(p.field()).isEqualTo("after");
        });
        assertThat(statuses).extracting(RuleStatus::offset).containsExactly(0L, 1L, 2L);

        // every rule set decided something, each only within its time, and the removed rule stayed silent
        assertThat(live.triggers()).extracting(Outputs.TriggerOut::ruleSetVersion)
                .contains("it-short-deadlines", "it-v2", "it-v3").doesNotContain("it-invalid");
        assertThat(live.triggers()).filteredOn(t -> t.ruleId().equals("inactive_1s")).isNotEmpty()
                .allSatisfy(t -> assertThat(t.fireTime().toEpochMilli()).isBetween(v2From, v3From - 1));
        assertThat(live.triggers()).filteredOn(t -> t.ruleId().equals("quiz_struggle"))
                .allSatisfy(t -> assertThat(t.ruleSetVersion()).isNotEqualTo("it-v2"));

        // the history the status topic tells, replayed: the same triggers and segment changes
        Path history = Files.writeString(dir.resolve("history.txt"), "# from " + topics.topics().rulesStatus() + "\n"
                + statuses.get(0).effectiveFrom() + " v2.yaml\n" + statuses.get(2).effectiveFrom() + " v3.yaml\n");
        Outputs replay = Outputs.ofReplay(ReplayCli.run(events, SHORT_RULES, cut, dir, "--rules-history", history.toString()));
        LiveMatchesReplay.assertMatch(live, replay, false);

        String status = cli("rules", "status", "--bootstrap-servers", BROKER.bootstrapServers(),
                "--status-topic", topics.topics().rulesStatus());
        assertThat(status).contains(topics.groupId() + " / default").contains("it-v3")
                .contains(Instant.ofEpochMilli(v3From).toString()).contains("ACCEPTED it-v3");
    }

    @Test
    void aNewShorterInactivityRuleFiresOnTimeForUsersWhoSendNothingAfterTheSwitchAndACheckpointKeepsIt(
            @TempDir Path dir, @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings topics = TestTopics.fresh(BROKER.kafka(), 2);
        List<Population.Scheduled> lessons = new ArrayList<>();
        String savepoint;
        Outputs beforeStop;
        long t0;
        long publishedAt;
        try (LiveRun job = LiveRun.start(cluster, topics, settings(V1, Duration.ZERO), 2, dir, null, 0);
                Feeder feeder = new Feeder(BROKER.bootstrapServers(), topics.topics().userEvents())) {
            t0 = System.currentTimeMillis() + 500;
            for (int u = 0; u < 10; u++) {
                lessons.add(event("quiet-" + u, "lesson-" + u, "lesson_completed", t0 + u * 50L));
            }
            feeder.sendInTime(lessons, ClockScale.REAL);
            job.awaitJobTime(t0 + 1_000, Duration.ofSeconds(30));
            publishedAt = System.currentTimeMillis();
            assertThat(publish(topics, V2, null)).contains("Published it-live-rules-v2");
            // nobody sends anything more: the new rule's deadlines must come from the timers checked after the switch
            long lastDeadline = t0 + 9 * 50L + 3_000;
            job.awaitJobTime(lastDeadline + 500, Duration.ofSeconds(30));
            job.flush();
            beforeStop = Outputs.ofTopics(BROKER.bootstrapServers(), topics.topics());
            savepoint = job.stopWithSavepoint(dir.resolve("savepoints"));
        }
        assertThat(t0 + 3_000).as("the switch came before the new deadlines").isGreaterThan(publishedAt);
        List<Outputs.TriggerOut> nudges = beforeStop.triggers().stream().filter(t -> t.ruleId().equals("inactive_3s")).toList();
        assertThat(nudges).extracting(Outputs.TriggerOut::userId).containsExactlyInAnyOrder(
                lessons.stream().map(s -> s.event().getUserId()).toArray(String[]::new));
        for (Outputs.TriggerOut nudge : nudges) {
            long lesson = lessons.stream().filter(s -> s.event().getUserId().equals(nudge.userId())).findFirst().orElseThrow().time();
            assertThat(nudge.fireTime()).isEqualTo(Instant.ofEpochMilli(lesson + 3_000));
            assertThat(nudge.ruleSetVersion()).isEqualTo("it-live-rules-v2");
        }
        assertThat(emittedLateness(topics, "inactive_3s")).as("SPEC 6: within 1 s of the deadline").allSatisfy(
                ms -> assertThat(ms).isLessThan(1_000));

        // restored from the savepoint taken after the switch, started with the same --rules file: v2 is in force
        try (LiveRun job = LiveRun.start(cluster, topics, settings(V1, Duration.ZERO), 1, dir.resolve("restored"), savepoint, 0);
                Feeder feeder = new Feeder(BROKER.bootstrapServers(), topics.topics().userEvents())) {
            long t1 = System.currentTimeMillis() + 500;
            feeder.sendInTime(List.of(event("quiet-0", "hello-0", "hello", t1), event("newcomer", "lesson-n", "lesson_completed", t1)),
                    ClockScale.REAL);
            job.awaitJobTime(t1 + 3_500, Duration.ofSeconds(30));
            job.flush();
            Outputs after = Outputs.ofTopics(BROKER.bootstrapServers(), topics.topics());
            assertThat(after.triggers()).filteredOn(t -> t.ruleId().equals("hello")).singleElement()
                    .satisfies(t -> assertThat(t.ruleSetVersion()).isEqualTo("it-live-rules-v2"));
            assertThat(after.triggers()).filteredOn(t -> t.userId().equals("newcomer")).extracting(Outputs.TriggerOut::ruleId)
                    .containsExactly("inactive_3s");
        }
    }

    private static EngineSettings settings(Path rules, Duration maxEventDelay) {
        return EngineSettings.live(RuleSetParser.timelineOf(rules), ClockScale.REAL, null)
                .withLiveInput(maxEventDelay, TimeMode.Live.DEFAULT_INPUT_PROBE_INTERVAL);
    }

    /** {@code nudgeflow rules publish FILE} to the test's rules topic; what it printed. */
    private static String publish(KafkaSettings topics, Path file, Long effectiveFrom) {
        List<String> args = new ArrayList<>(List.of("rules", "publish", file.toString(), "--bootstrap-servers",
                BROKER.bootstrapServers(), "--topic", topics.topics().rules()));
        if (effectiveFrom != null) {
            args.addAll(List.of("--effective-from", Instant.ofEpochMilli(effectiveFrom).toString()));
        }
        return cli(args.toArray(String[]::new));
    }

    private static void produce(KafkaSettings topics, String document) throws Exception {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                Map.of("bootstrap.servers", BROKER.bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.topics().rules(),
                    "default".getBytes(StandardCharsets.UTF_8), document.getBytes(StandardCharsets.UTF_8))).get(15, TimeUnit.SECONDS);
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = NudgeflowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).as("%s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static List<RuleStatus> statuses(KafkaSettings topics) throws Exception {
        List<RuleStatus> statuses = new ArrayList<>();
        for (var r : TopicReader.readAll(KafkaConnectors.clientProperties(topics), topics.topics().rulesStatus(),
                Duration.ofSeconds(15)).records()) {
            statuses.add(RuleStatus.fromJson(new String(r.value(), StandardCharsets.UTF_8)));
        }
        return statuses;
    }

    /** emitted_at - fire_time of each trigger of a rule, as the topic has them. */
    private static List<Long> emittedLateness(KafkaSettings topics, String ruleId) {
        List<Long> lateness = new ArrayList<>();
        for (var r : TopicReader.readAll(KafkaConnectors.clientProperties(topics), topics.topics().engagementTriggers(),
                Duration.ofSeconds(15)).records()) {
            io.nudgeflow.avro.Trigger t = Outputs.decode(() -> io.nudgeflow.avro.Trigger.getDecoder().decode(r.value()));
            if (t.getRuleId().equals(ruleId)) {
                lateness.add(t.getEmittedAt().toEpochMilli() - t.getFireTime().toEpochMilli());
            }
        }
        return lateness;
    }

    private static Population.Scheduled event(String user, String id, String type, long time) {
        return new Population.Scheduled(time, io.nudgeflow.avro.UserEvent.newBuilder().setEventId(id).setUserId(user)
                .setEventType(type).setEventTime(Instant.ofEpochMilli(time)).setTimezone(null).setValue(null)
                .setProperties(Map.of()).build());
    }

    private static void awaitWallClock(long instant) throws InterruptedException {
        while (System.currentTimeMillis() < instant) {
            TimeUnit.MILLISECONDS.sleep(Math.min(50, instant - System.currentTimeMillis()));
        }
    }
}
