package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.demo.Population;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC section 6, "live and replay agree", proven on a real Kafka broker and a Flink mini cluster with
 * RocksDB: one input, read by the live job in each way production reads it, gives what {@code replay} of the
 * same input gives — every trigger id with its rule, fire time, stage, attributes and suppressed reason,
 * and every segment change — but for STALE on triggers the live job sent too late.
 *
 * <p>The live job waits {@code --max-event-delay} for events in transit ({@link #IN_TRANSIT}): an event that
 * reaches the job after its time has been passed by more than that is late, and may be decided otherwise
 * than replay decides it; these inputs have none.
 */
class LiveEqualsReplayITCase {
    /** More than an event takes from the test's producer to the job on a loaded 2-core machine. */
    private static final Duration IN_TRANSIT = Duration.ofSeconds(2);
    /** Past the last event, the short rules' last deadline (churned after 11 s) has come. */
    private static final long SETTLE_MS = 12_000;
    private static final Path SHORT_RULES_FILE = Path.of("src", "test", "resources", "it", "short-deadlines.yaml");
    private static final RuleSet SHORT_RULES = RuleSetParser.load(SHORT_RULES_FILE);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(Configuration.fromMap(Map.of("metrics.fetcher.update-interval", "200")))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    @org.junit.jupiter.api.AfterEach
    void theInputProbeStopsWithTheJob() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("nudgeflow-input-probe"))) {
            assertThat(System.nanoTime()).as("the probe thread ends once no job reads").isLessThan(deadline);
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void caughtUpWithEventsArrivingInRealTime(int parallelism, @TempDir Path dir, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        KafkaSettings kafkaSettings = freshTopics();
        Outputs live;
        List<Population.Scheduled> events;
        try (LiveRun job = LiveRun.start(cluster, kafkaSettings, shortRules(), parallelism, dir, null, 0);
                Feeder feeder = new Feeder(BROKER.bootstrapServers(), kafkaSettings.topics().userEvents())) {
            events = TestUsers.generate(30, System.currentTimeMillis() + 500, 8_000, 11 + parallelism);
            feeder.sendInTime(events, ClockScale.REAL);
            live = settle(job, kafkaSettings, cut(events));
            assertThat(job.engineMetric("lateEventsAfterDeadline")).as("no event came after the job's time").isZero();
            // triggers and conversions per rule and arm as metrics: at least what the topics show up to the cut
            long converted = live.outcomes().stream().filter(o -> o.ruleId().equals("inactive_2s") && o.converted()).count();
            long sent = live.triggers().stream().filter(t -> t.ruleId().equals("inactive_2s") && t.suppressedReason() == null).count();
            assertThat(converted).isPositive();
            awaitMetricAtLeast(job, "rule.inactive_2s.arm.none.conversions", converted);
            awaitMetricAtLeast(job, "rule.inactive_2s.arm.none.triggers", sent);
            long heldBack = live.triggers().stream().filter(t -> "HOLDOUT".equals(t.suppressedReason())).count();
            awaitMetricAtLeast(job, "rule.quiz_praise.arm.holdout.triggers", heldBack);
        }

        Outputs replay = replay(events, SHORT_RULES_FILE, cut(events), dir);
        assertCoversTheRules(replay);
        LiveMatchesReplay.assertMatch(live, replay, false);
    }

    @Test
    void stoppedWithASavepointHalfwayTheRestProducedWhileDownAndReadAsABacklog(@TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings kafkaSettings = freshTopics();
        List<Population.Scheduled> events = TestUsers.generate(30, System.currentTimeMillis() + 8_000, 10_000, 21);
        long half = events.get(0).time() + 4_000;
        Outputs live;
        try (Feeder feeder = new Feeder(BROKER.bootstrapServers(), kafkaSettings.topics().userEvents())) {
            String savepoint;
            try (LiveRun job = LiveRun.start(cluster, kafkaSettings, shortRules(), 2, dir, null, 0)) {
                CompletableFuture<Void> feeding = feeder.sendInTimeInBackground(events);
                awaitWallClock(half);
                savepoint = job.stopWithSavepoint(dir.resolve("savepoints"));
                feeding.get(); // the rest of the input comes while the job is down
            }
            awaitWallClock(events.get(events.size() - 1).time() + 4_000); // some deadlines pass during the outage: STALE
            try (LiveRun job = LiveRun.start(cluster, kafkaSettings, shortRules(), 2, dir.resolve("restored"), savepoint, 0)) {
                live = settle(job, kafkaSettings, cut(events));
            }
        }

        Outputs replay = replay(events, SHORT_RULES_FILE, cut(events), dir);
        assertThat(live.triggers()).as("deadlines that passed during the outage").anyMatch(t -> "STALE".equals(t.suppressedReason()));
        LiveMatchesReplay.assertMatch(live, replay, false);
    }

    /**
     * The failure found on a cluster: stopped in the evening, restored the next day with that day's lessons
     * waiting in Kafka. On the demo's compressed clock (a simulated hour per second) with the default rules,
     * stopped at parallelism 2 and restored at 1.
     */
    @Test
    void aRestoreFromASavepointWithADaysBacklogSendsNoTriggerReplayWouldNot(@TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings kafkaSettings = freshTopics();
        long wallNow = System.currentTimeMillis();
        ClockScale clock = ClockScale.compressed(wallNow, wallNow, 3_600);
        long simNow = clock.toSim(wallNow);
        List<Population.Scheduled> population = Population.generate(80, Instant.ofEpochMilli(simNow).minus(Duration.ofDays(2)), 3, 41);
        List<Population.Scheduled> yesterday = population.stream().filter(e -> e.time() <= simNow).toList();
        List<Population.Scheduled> input = new java.util.ArrayList<>(yesterday);
        Outputs live;
        try (Feeder feeder = new Feeder(BROKER.bootstrapServers(), kafkaSettings.topics().userEvents())) {
            feeder.sendAll(yesterday);
            String savepoint;
            try (LiveRun job = LiveRun.start(cluster, kafkaSettings, defaultRules(clock), 2, dir, null, 0)) {
                job.awaitJobTime(simNow, Duration.ofSeconds(60));
                savepoint = job.stopWithSavepoint(dir.resolve("savepoints"));
            }
            // down for a simulated day: what users do meanwhile waits in Kafka
            long stoppedAt = clock.toSim(System.currentTimeMillis());
            List<Population.Scheduled> nextDay = population.stream()
                    .filter(e -> e.time() > stoppedAt && e.time() <= stoppedAt + Duration.ofDays(1).toMillis()).toList();
            feeder.sendInTime(nextDay, clock);
            input.addAll(nextDay);
            // restored at parallelism 1: the timers move with the users' key groups
            try (LiveRun job = LiveRun.start(cluster, kafkaSettings, defaultRules(clock), 1, dir.resolve("restored"), savepoint, 0)) {
                live = settle(job, kafkaSettings, input.get(input.size() - 1).time() + Duration.ofHours(2).toMillis());
            }
        }

        Outputs replay = replay(input, null, input.get(input.size() - 1).time()
                + Duration.ofHours(2).toMillis(), dir);
        assertThat(replay.triggers()).extracting(Outputs.TriggerOut::ruleId).contains("inactive_24h", "streak_3");
        LiveMatchesReplay.assertMatch(live, replay, false);
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void aBackfillOfEventsWeeksOldWithTheDefaultRules(int parallelism, @TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings kafkaSettings = freshTopics();
        Instant now = Instant.now();
        List<Population.Scheduled> events = Population.generate(120, now.minus(Duration.ofDays(45)), 30, 5 + parallelism);
        long cut = now.toEpochMilli();
        Outputs live;
        try (Feeder feeder = new Feeder(BROKER.bootstrapServers(), kafkaSettings.topics().userEvents())) {
            feeder.sendAll(events); // in Kafka before the job reads it, as a backfill or an export waiting
            try (LiveRun job = LiveRun.start(cluster, kafkaSettings, defaultRules(ClockScale.REAL), parallelism, dir, null, 0)) {
                live = settle(job, kafkaSettings, cut);
                assertThat(job.engineMetric("lateEventsAfterDeadline")).isZero();
            }
        }

        Outputs replay = replay(events, null, cut, dir);
        assertThat(replay.segments()).extracting(Outputs.SegmentOut::toStage)
                .contains("DORMANT", "RETURNING", "HIGHLY_ACTIVE", "AT_RISK", "CHURNED");
        assertThat(replay.triggers()).extracting(Outputs.TriggerOut::ruleId)
                .contains("inactive_24h", "inactive_48h", "winback_30d", "streak_at_risk", "streak_7", "cart_abandoned");
        LiveMatchesReplay.assertMatch(live, replay, false);
    }

    @Test
    void aTaskManagerLostMidStreamRestartsFromACheckpointAndRedeliversWithTheSameIds(@TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings kafkaSettings = freshTopics();
        Outputs live;
        List<Population.Scheduled> events;
        try (LiveRun job = LiveRun.start(cluster, kafkaSettings, shortRules(), 2, dir, null, 3);
                Feeder feeder = new Feeder(BROKER.bootstrapServers(), kafkaSettings.topics().userEvents())) {
            events = TestUsers.generate(30, System.currentTimeMillis() + 500, 10_000, 31);
            CompletableFuture<Void> feeding = feeder.sendInTimeInBackground(events);
            awaitWallClock(events.get(0).time() + 5_000);
            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
            feeding.get();
            live = settle(job, kafkaSettings, cut(events));
        }

        Outputs replay = replay(events, SHORT_RULES_FILE, cut(events), dir);
        LiveMatchesReplay.assertMatch(live, replay, true);
    }

    /**
     * The one way live may differ from replay: an event that reaches the job after a deadline of its user that
     * the event would have changed has fired. A lesson from 1 s after the first reaches Kafka after the user's
     * 2 s deadline fired: that trigger stands, the lesson counts (the next deadline runs from it, as in
     * replay), the metric counts it, and nothing else differs from replay of the same input.
     */
    @Test
    void aLateEventIsAppliedAndCountedAndWhatFiredBeforeItIsTheOnlyDifference(@TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaSettings kafkaSettings = freshTopics();
        // one deadline only, so nothing else can fire while the offline lesson is on its way
        Path rulesFile = dir.resolve("one-deadline.yaml");
        java.nio.file.Files.writeString(rulesFile, """
                version: it-one-deadline
                active_events: [lesson_completed]
                onboarding: {checklist: [lesson_completed]}
                lifecycle: {at_risk_after: 1h, dormant_after: 2h, churned_after: 3h}
                guardrails: {quiet_hours: off}
                rules:
                  - {id: inactive_2s, kind: REENGAGEMENT, type: inactivity, after: 2s}
                """);
        EngineSettings oneDeadline = EngineSettings.live(RuleSetParser.load(rulesFile), ClockScale.REAL, null)
                .withLiveInput(IN_TRANSIT, io.nudgeflow.flink.TimeMode.Live.DEFAULT_INPUT_PROBE_INTERVAL);
        long t = System.currentTimeMillis() + 3_000;
        Population.Scheduled lesson = scheduled("late-0", "lesson_completed", t);
        Population.Scheduled offlineLesson = scheduled("late-1", "lesson_completed", t + 1_000);
        Outputs live;
        try (LiveRun job = LiveRun.start(cluster, kafkaSettings, oneDeadline, 2, dir, null, 0);
                Feeder feeder = new Feeder(BROKER.bootstrapServers(), kafkaSettings.topics().userEvents())) {
            feeder.sendInTime(List.of(lesson), ClockScale.REAL);
            job.awaitJobTime(t + 2_000, Duration.ofSeconds(30)); // inactive_2s has fired
            feeder.sendAll(List.of(offlineLesson)); // a phone back online with a lesson from before it
            live = settle(job, kafkaSettings, t + 5_000);
            awaitMetric(job, "lateEventsAfterDeadline", 1);
        }

        Outputs replay = replay(List.of(lesson, offlineLesson), rulesFile, t + 5_000, dir);
        assertThat(live.triggers()).filteredOn(x -> x.ruleId().equals("inactive_2s")).extracting(Outputs.TriggerOut::fireTime)
                .containsExactly(Instant.ofEpochMilli(t + 2_000), Instant.ofEpochMilli(t + 3_000));
        Outputs liveWithoutTheEarlyTrigger = new Outputs(live.triggers().stream()
                .filter(x -> !x.fireTime().equals(Instant.ofEpochMilli(t + 2_000)) || !x.ruleId().equals("inactive_2s")).toList(),
                live.segments(), live.outcomes().stream()
                .filter(o -> !o.fireTime().equals(Instant.ofEpochMilli(t + 2_000)) || !o.ruleId().equals("inactive_2s")).toList());
        LiveMatchesReplay.assertMatch(liveWithoutTheEarlyTrigger, replay, false);
    }

    private static void awaitMetric(LiveRun job, String metric, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (job.engineMetric(metric) < expected) {
            assertThat(System.nanoTime()).as("%s reaches %d", metric, expected).isLessThan(deadline);
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(job.engineMetric(metric)).isEqualTo(expected);
    }

    private static void awaitMetricAtLeast(LiveRun job, String metric, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (job.engineMetric(metric) < expected) {
            assertThat(System.nanoTime()).as("%s reaches %d", metric, expected).isLessThan(deadline);
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static Population.Scheduled scheduled(String id, String type, long time) {
        return new Population.Scheduled(time, io.nudgeflow.avro.UserEvent.newBuilder().setEventId(id).setUserId("late-user")
                .setEventType(type).setEventTime(Instant.ofEpochMilli(time)).setTimezone(null).setValue(null)
                .setProperties(Map.of()).build());
    }

    /** Waits until the job's time has passed {@code cut}, flushes the sinks and reads what they wrote up to it. */
    private static Outputs settle(LiveRun job, KafkaSettings kafkaSettings, long cut) throws Exception {
        job.awaitJobTime(cut, Duration.ofSeconds(90));
        job.flush();
        return Outputs.ofTopics(BROKER.bootstrapServers(), kafkaSettings.topics()).upTo(Instant.ofEpochMilli(cut));
    }

    /** What the {@code replay} command says of the same input up to {@code until}. */
    private static Outputs replay(List<Population.Scheduled> events, Path rules, long until, Path dir) throws Exception {
        return Outputs.ofReplay(ReplayCli.run(events, rules, until, dir));
    }

    private static long cut(List<Population.Scheduled> events) {
        return events.get(events.size() - 1).time() + SETTLE_MS;
    }

    /** The input is not vacuous: the short rules' deadlines, thresholds and stages all occur. */
    private static void assertCoversTheRules(Outputs replay) {
        assertThat(replay.triggers()).extracting(Outputs.TriggerOut::ruleId).contains("inactive_2s", "inactive_4s",
                "cart_abandoned", "onboarding_stalled", "onboarding_completed", "quiz_struggle");
        assertThat(replay.triggers()).extracting(Outputs.TriggerOut::suppressedReason).contains("OPTED_OUT", "HOLDOUT");
        // outcomes of every kind: converted and not, of the holdout and of each variant
        assertThat(replay.outcomes()).extracting(Outputs.OutcomeOut::converted).contains(true, false);
        assertThat(replay.outcomes()).extracting(Outputs.OutcomeOut::ruleId).contains("inactive_2s", "cart_abandoned", "quiz_praise");
        assertThat(replay.outcomes()).filteredOn(o -> o.ruleId().equals("quiz_praise"))
                .extracting(o -> o.holdout() ? "holdout" : o.variant()).contains("holdout", "short", "long");
        assertThat(replay.segments()).extracting(Outputs.SegmentOut::toStage).contains("CASUAL", "DORMANT", "CHURNED");
    }

    private static EngineSettings shortRules() {
        return EngineSettings.live(SHORT_RULES, ClockScale.REAL, null).withLiveInput(IN_TRANSIT,
                io.nudgeflow.flink.TimeMode.Live.DEFAULT_INPUT_PROBE_INTERVAL);
    }

    private static EngineSettings defaultRules(ClockScale clock) {
        return EngineSettings.live(RuleSetParser.loadDefault(), clock, null);
    }

    private static KafkaSettings freshTopics() {
        return TestTopics.fresh(BROKER.kafka(), 2);
    }

    private static void awaitWallClock(long instant) throws InterruptedException {
        while (System.currentTimeMillis() < instant) {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(Math.min(50, instant - System.currentTimeMillis()));
        }
    }
}
