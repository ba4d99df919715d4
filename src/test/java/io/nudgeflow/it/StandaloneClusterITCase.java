package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.demo.Population;
import io.nudgeflow.io.Topics;
import io.nudgeflow.it.cluster.CheckpointAudit;
import io.nudgeflow.it.cluster.StandaloneCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster tier (issue 13): Nudgeflow on a real standalone Flink session cluster — JobManager and
 * TaskManagers in JVMs of their own, the project's {@code flink-conf/config.yaml}, a Kafka broker in its own
 * JVM — deployed with {@code flink run -d target/nudgeflow-job.jar run ...} as the README says. Users' events
 * arrive in real time (deadline rules of seconds, from a test rule file) while, three times, something happens
 * to the cluster; what reaches the Kafka topics is compared with what {@code replay} says of the same input —
 * nothing lost, nothing replay would not send; deadlines that passed while the job was down may only be
 * labelled STALE.
 */
class StandaloneClusterITCase {
    private static final Topics TOPICS = new Topics(Topics.USER_EVENTS, Topics.ENGAGEMENT_TRIGGERS,
            Topics.SEGMENT_CHANGES, Topics.SUPPRESSED_TRIGGERS, Topics.USER_EVENTS_DLQ);

    private static final Path SHORT_RULES_FILE = Path.of("src", "test", "resources", "it", "short-deadlines.yaml");
    private static final String RULES_VERSION = "it-short-deadlines";
    private static final Path JOB_JAR = Path.of("target", "nudgeflow-job.jar");
    /** Past the last event, the short rules' last deadline (churned after 11 s) has come. */
    private static final long SETTLE_MS = 12_000;
    /** When, after the first event, the cluster is disrupted. */
    private static final long[] DISRUPTIONS = {5_000, 25_000, 45_000};

    /** (a) At-least-once: every redelivery carries the same {@code trigger_id}. */
    @Test
    void threeTaskManagerKillsMidStreamLoseNothingAndAddNothingReplayWouldNotSend(@TempDir Path dir) throws Exception {
        Result result = run(dir, 37, List.of("--max-event-delay", "2s"), false, (events, start) -> events,
                (cluster, job) -> killAndReplaceTaskManager(cluster), "TaskManager kills");
        LiveMatchesReplay.assertMatch(result.live(), result.replay(), true);
    }

    /**
     * A TaskManager that hangs ({@code kill -STOP}) instead of dying: its sockets stay open, so only the
     * heartbeat timeout notices it; the job restarts on a new TaskManager from its last checkpoint.
     */
    @Test
    void threeHungTaskManagersLoseNothingAndAddNothingReplayWouldNotSend(@TempDir Path dir) throws Exception {
        Result result = run(dir, 59, List.of("--max-event-delay", "2s"), false, (events, start) -> events,
                (cluster, job) -> {
                    cluster.hangTaskManager();
                    cluster.startTaskManager();
                }, "hung TaskManagers");
        LiveMatchesReplay.assertMatch(result.live(), result.replay(), true);
    }

    /** (b) Exactly-once, read as its consumers read it ({@code read_committed}): not one duplicate. */
    @Test
    void withExactlyOnceThreeTaskManagerKillsDeliverEveryTriggerOnce(@TempDir Path dir) throws Exception {
        Result result = run(dir, 43, List.of("--max-event-delay", "2s", "--exactly-once"), true, (events, start) -> events,
                (cluster, job) -> killAndReplaceTaskManager(cluster), "TaskManager kills, exactly-once");
        LiveMatchesReplay.assertMatch(result.live(), result.replay(), false);
    }

    /** (d) The broker killed and restarted on its port and log directory, as after a crash. */
    @Test
    void aKafkaBrokerCrashingThreeTimesMidStreamLosesNothing(@TempDir Path dir) throws Exception {
        // while the broker is down the devices' events wait in their producers and reach Kafka up to ~15 s late:
        // deadlines wait that long for them (--max-event-delay), else live would decide without them (README, Time)
        Result result = run(dir, 41, List.of("--max-event-delay", "30s"), false, (events, start) -> events,
                (cluster, job) -> cluster.restartKafka(), "broker restarts");
        LiveMatchesReplay.assertMatch(result.live(), result.replay(), true);
    }

    /**
     * (c) An upgrade: stop-with-savepoint, then a newer build of the job (a second jar from this tree with
     * another version, and a changed rule file) from that savepoint, rescaled 1 → 2, then 2 → 1 and 1 → 2 again;
     * while it is down the users' events wait in Kafka, and the last events before each stop are sent again.
     * Live equals replay, with no redelivery, only if every user's state came through: counters (lessons,
     * purchase points), active days (a one-day streak), consent, checklists, quiz windows, the dedup ring (the
     * resends) and the pending deadlines (which fire after the restore).
     */
    @Test
    void aNewerBuildFromASavepointAtParallelism1Then2Then1KeepsEveryUsersState(@TempDir Path dir) throws Exception {
        String nextVersion = StandaloneCluster.buildVersion(JOB_JAR) + "-next";
        Path nextJar = StandaloneCluster.rebuildWithVersion(JOB_JAR, nextVersion, dir.resolve("nudgeflow-job-next.jar"));
        // a streak of one local day: fires on a user's first active event of the day, never again that day — so
        // a second one after a restore would show the active days were lost
        Path rules = dir.resolve("short-deadlines-streaks.yaml");
        java.nio.file.Files.writeString(rules, java.nio.file.Files.readString(SHORT_RULES_FILE)
                + "  - {id: first_active_day, kind: STREAK, type: streak, days: 1}\n");
        Path nextRules = dir.resolve("short-deadlines-next.yaml");
        java.nio.file.Files.writeString(nextRules, java.nio.file.Files.readString(rules)
                .replace("version: " + RULES_VERSION, "version: " + RULES_VERSION + "-next")
                .replace("{id: inactive_4s, kind: REENGAGEMENT, type: inactivity, after: 4s}",
                        "{id: inactive_4s, kind: REENGAGEMENT, type: inactivity, after: 4s, attributes: {build: next}}"));
        int[] parallelism = {2, 1, 2};
        int[] upgrades = {0};
        Result result = run(dir, rules, 47, List.of("--max-event-delay", "2s", "--parallelism", "1"), false,
                StandaloneClusterITCase::withResendsAfterEachDisruption, (cluster, job) -> {
                    String savepoint = cluster.stopWithSavepoint(job.jobId);
                    int p = parallelism[upgrades[0]++];
                    job.now(cluster.submit(List.of("-s", savepoint), nextJar, args(cluster, nextRules,
                            List.of("--max-event-delay", "2s", "--parallelism", Integer.toString(p)))));
                    assertThat(cluster.jobName(job.jobId)).as("the newer build runs")
                            .isEqualTo("nudgeflow " + nextVersion + ", rules " + RULES_VERSION + "-next");
                }, "savepoint upgrades 1->2->1->2");

        assertThat(result.job().jobIds).hasSize(4);
        List<Outputs.TriggerOut> live = result.live().triggers();
        assertThat(live).extracting(Outputs.TriggerOut::ruleSetVersion).contains(RULES_VERSION, RULES_VERSION + "-next");
        assertThat(result.replay().triggers()).extracting(Outputs.TriggerOut::ruleId).contains("first_active_day");
        for (Outputs.TriggerOut t : live) {
            boolean next = t.ruleSetVersion().endsWith("-next");
            assertThat(t.attributes().get("build")).as("the rule file that decided %s", t)
                    .isEqualTo(next && t.ruleId().equals("inactive_4s") ? "next" : null);
        }
        // apart from the version and the copy the newer rule file gave, replay of the first file says it all
        List<Outputs.TriggerOut> asFirstFile = live.stream().map(t -> {
            Map<String, String> attributes = new java.util.TreeMap<>(t.attributes());
            attributes.remove("build");
            return new Outputs.TriggerOut(t.triggerId(), t.userId(), t.ruleId(), t.kind(), t.fireTime(), t.causeEventId(),
                    t.stage(), t.variant(), RULES_VERSION, attributes, t.suppressedReason());
        }).toList();
        List<Outputs.OutcomeOut> outcomesAsFirstFile = result.live().outcomes().stream()
                .map(o -> o.withRuleSetVersion(RULES_VERSION)).toList();
        LiveMatchesReplay.assertMatch(new Outputs(asFirstFile, result.live().segments(), outcomesAsFirstFile), result.replay(), false);
    }

    /**
     * The events of the 4 s before each disruption, sent again 3 s after it (while the job is down or
     * restoring). Not those of users who are erased: after an erasure nothing is known of the user, so a resend
     * counts as a new user's event — in replay as live.
     */
    private static List<Population.Scheduled> withResendsAfterEachDisruption(List<Population.Scheduled> events, long start) {
        Set<String> erased = events.stream().filter(e -> e.event().getEventType().equals("user_erased"))
                .map(e -> e.event().getUserId()).collect(Collectors.toSet());
        List<Population.Scheduled> out = new ArrayList<>(events);
        for (long at : DISRUPTIONS) {
            events.stream().filter(e -> e.time() >= start + at - 4_000 && e.time() < start + at)
                    .filter(e -> !erased.contains(e.event().getUserId()))
                    .forEach(e -> out.add(new Population.Scheduled(start + at + 3_000, e.event())));
        }
        return out;
    }

    /**
     * Erasure you can audit: a user with a distinctive id and a time zone no one else has is in the job's
     * checkpoints once they have been seen; after their {@code user_erased}, within the erasure compaction
     * period (10 s here) plus two checkpoints, no file under the job's checkpoint directory holds either — not
     * in a key, a value, a delete marker or the inlined state of {@code _metadata} — while the other users'
     * state is still there; a savepoint taken afterwards holds neither.
     */
    @Test
    void anErasedUserLeavesTheCheckpointsWithinTheErasureCompactionPeriod(@TempDir Path dir) throws Exception {
        String erasedId = "erase-me-zq8Xv3Kj7Wn2";
        String onlyTheirs = "Pacific/Chatham"; // no other user's zone
        byte[][] traces = {erasedId.getBytes(StandardCharsets.UTF_8), onlyTheirs.getBytes(StandardCharsets.UTF_8)};
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"),
                Map.of("execution.checkpointing.min-pause", "200ms"))) {
            createTopics(cluster);
            String job = cluster.submit(JOB_JAR, args(cluster, SHORT_RULES_FILE, List.of("--max-event-delay", "2s",
                    "--checkpoint-interval", "1s", "--erasure-compaction", "10s")));
            cluster.awaitJobState(job, "RUNNING", Duration.ofSeconds(90));
            Path checkpoints = cluster.checkpointDir().resolve(job);

            long start = System.currentTimeMillis() + 1_000;
            List<Population.Scheduled> events = new ArrayList<>(TestUsers.generate(20, start, 60_000, 53));
            String[] visit = {"signup", "profile_completed", "lesson_completed", "add_to_cart", "purchase", "lesson_completed"};
            for (int i = 0; i < visit.length; i++) {
                events.add(eventOf(erasedId, onlyTheirs, erasedId + "-" + i, visit[i], start + 500L * i));
            }
            events.sort(Comparator.comparingLong(Population.Scheduled::time));
            try (Feeder feeder = new Feeder(cluster.kafkaBootstrap(), TOPICS.userEvents())) {
                CompletableFuture<Void> feeding = feeder.sendInTimeInBackground(events);
                StandaloneCluster.await(Duration.ofSeconds(60), () -> !CheckpointAudit.filesHolding(checkpoints, traces).isEmpty(),
                        "the user's id and zone in a checkpoint (the audit can see them)");

                long erasedAt = System.currentTimeMillis();
                feeder.sendAll(List.of(eventOf(erasedId, onlyTheirs, erasedId + "-erased", "user_erased", erasedAt)));
                boolean gone = StandaloneCluster.poll(Duration.ofSeconds(60),
                        () -> CheckpointAudit.filesHolding(checkpoints, traces).isEmpty());
                long goneAfter = System.currentTimeMillis() - erasedAt;
                assertThat(gone).as("the erased user gone from every checkpoint file within a minute; still in %s",
                        CheckpointAudit.filesHolding(checkpoints, traces)).isTrue();
                System.out.printf("erasure: the user's id and zone left the job's checkpoints %d ms after user_erased"
                        + " was sent (compaction period 10 s, checkpoints every 1 s)%n", goneAfter);
                assertThat(CheckpointAudit.filesHolding(checkpoints, new byte[][] {"it-user-0".getBytes(StandardCharsets.UTF_8)}))
                        .as("the other users are still checkpointed").isNotEmpty();
                feeding.get();
            }
            String savepointPath = cluster.stopWithSavepoint(job);
            Path savepoint = Path.of(java.net.URI.create(savepointPath));
            assertThat(CheckpointAudit.filesHolding(savepoint, traces)).as("a savepoint after the erasure").isEmpty();
            assertThat(CheckpointAudit.filesHolding(savepoint, new byte[][] {"it-user-0".getBytes(StandardCharsets.UTF_8)}))
                    .isNotEmpty();

            // checkpoints Flink keeps of a cancelled job go with `nudgeflow checkpoints prune`; a running job's stay
            String cancelled = restoreAndAwaitACheckpoint(cluster, savepointPath);
            cluster.cancel(cancelled);
            cluster.awaitJobState(cancelled, "CANCELED", Duration.ofSeconds(60));
            String running = restoreAndAwaitACheckpoint(cluster, savepointPath);
            assertThat(cluster.checkpointDir().resolve(cancelled)).as("retained on cancellation").isDirectory();
            String pruned = ReplayCli.nudgeflow(dir, "checkpoints", "prune", "--checkpoint-dir", cluster.checkpointDir().toString(),
                    "--rest-url", cluster.restUrl().toString(), "--older-than", "0s");
            assertThat(cluster.checkpointDir().resolve(cancelled)).as(pruned).doesNotExist();
            assertThat(cluster.checkpointDir().resolve(running)).as(pruned).isDirectory();
            assertThat(pruned).contains("deleted " + cluster.checkpointDir().resolve(cancelled) + " (the job is CANCELED)")
                    .contains("kept " + cluster.checkpointDir().resolve(running) + " (the job is RUNNING)");
        }
    }

    /** One event of a user, at {@code time}; a purchase is worth 42. */
    private static Population.Scheduled eventOf(String user, String zone, String eventId, String type, long time) {
        return new Population.Scheduled(time, UserEvent.newBuilder().setEventId(eventId).setUserId(user).setEventType(type)
                .setEventTime(Instant.ofEpochMilli(time)).setTimezone(zone).setValue(type.equals("purchase") ? 42.0 : null)
                .setProperties(Map.of()).build());
    }

    /** Submits the job from a savepoint and waits until it has completed a checkpoint of its own. */
    private static String restoreAndAwaitACheckpoint(StandaloneCluster cluster, String savepoint) throws Exception {
        String job = cluster.submit(List.of("-s", savepoint), JOB_JAR, args(cluster, SHORT_RULES_FILE,
                List.of("--max-event-delay", "2s", "--checkpoint-interval", "1s")));
        cluster.awaitJobState(job, "RUNNING", Duration.ofSeconds(90));
        StandaloneCluster.await(Duration.ofSeconds(60), () -> {
            try (var files = java.nio.file.Files.list(cluster.checkpointDir().resolve(job))) {
                return files.anyMatch(f -> f.getFileName().toString().startsWith("chk-"));
            } catch (java.io.IOException e) {
                return false;
            }
        }, "a checkpoint of job " + job);
        return job;
    }

    private static void killAndReplaceTaskManager(StandaloneCluster cluster) throws Exception {
        cluster.killTaskManager();
        cluster.startTaskManager();
    }

    /** Something that happens to the cluster while users' events arrive; may replace the running job. */
    private interface Disruption {
        void hit(StandaloneCluster cluster, Deployment job) throws Exception;
    }

    /** The job that runs now: an upgrade replaces it. */
    static final class Deployment {
        String jobId;
        final List<String> jobIds = new ArrayList<>();

        void now(String id) {
            jobId = id;
            jobIds.add(id);
        }
    }

    record Result(Outputs live, Outputs replay, List<Long> gapsMs, Deployment job) {}

    /** A variation of the users' input for a scenario: resends, for example. */
    private interface Input {
        List<Population.Scheduled> of(List<Population.Scheduled> events, long start);
    }

    /**
     * Starts the cluster and the job, sends 30 users' events over a minute in real time with three
     * disruptions, waits until everything replay sends by the end has reached the topics, and returns both.
     */
    private static Result run(Path dir, long seed, List<String> jobArgs, boolean readCommitted, Input input,
            Disruption disruption, String what) throws Exception {
        return run(dir, SHORT_RULES_FILE, seed, jobArgs, readCommitted, input, disruption, what);
    }

    /** @param rules the rule file the job starts with and replay decides by */
    private static Result run(Path dir, Path rules, long seed, List<String> jobArgs, boolean readCommitted, Input input,
            Disruption disruption, String what) throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), Map.of())) {
            createTopics(cluster);
            Deployment job = new Deployment();
            job.now(cluster.submit(JOB_JAR, args(cluster, rules, jobArgs)));
            cluster.awaitJobState(job.jobId, "RUNNING", Duration.ofSeconds(90));

            long start = System.currentTimeMillis() + 1_000;
            List<Population.Scheduled> events = new ArrayList<>(input.of(TestUsers.generate(30, start, 60_000, seed), start));
            events.sort(Comparator.comparingLong(Population.Scheduled::time));
            List<Long> gaps = new ArrayList<>();
            Outputs replay;
            Outputs live;
            try (Feeder feeder = new Feeder(cluster.kafkaBootstrap(), TOPICS.userEvents());
                    OutputArrivals arrivals = new OutputArrivals(cluster.kafkaBootstrap(), TOPICS)) {
                CompletableFuture<Void> feeding = feeder.sendInTimeInBackground(events);
                List<Long> hitAt = new ArrayList<>();
                for (long at : DISRUPTIONS) {
                    StandaloneCluster.await(Duration.ofSeconds(120), () -> System.currentTimeMillis() >= start + at,
                            "the wall clock at +" + at + " ms");
                    hitAt.add(System.currentTimeMillis());
                    disruption.hit(cluster, job);
                    cluster.awaitJobState(job.jobId, "RUNNING", Duration.ofSeconds(90));
                }
                feeding.get();

                long cut = events.stream().mapToLong(e -> e.event().getEventTime().toEpochMilli()).max().orElseThrow()
                        + SETTLE_MS;
                replay = Outputs.ofReplay(ReplayCli.run(events, rules, cut, dir));
                Set<String> expected = ids(replay.triggers());
                Set<String> expectedChanges = changes(replay);
                // the last deadlines before the cut fire live once the input is read past them (plus the allowance);
                // if some never come, the comparison below says which
                StandaloneCluster.poll(Duration.ofSeconds(150), () -> {
                    Outputs so = Outputs.ofTopics(cluster.kafkaBootstrap(), TOPICS, readCommitted).upTo(Instant.ofEpochMilli(cut));
                    return ids(so.triggers()).containsAll(expected) && changes(so).containsAll(expectedChanges);
                });
                live = Outputs.ofTopics(cluster.kafkaBootstrap(), TOPICS, readCommitted).upTo(Instant.ofEpochMilli(cut));
                for (long at : hitAt) {
                    gaps.add(arrivals.longestSilenceAfter(at, 19_000));
                }
            }
            System.out.printf("cluster tier, %s: %d triggers in replay; live %d records, %d of them redelivered;"
                    + " longest output gap after each disruption %s ms%n", what, replay.triggers().size(), live.triggers().size(),
                    live.triggers().size() - ids(live.triggers()).size(), gaps);
            assertThat(replay.triggers()).hasSizeGreaterThan(50);
            assertTheTaskManagersExportMetrics(cluster);
            return new Result(live, replay, gaps, job);
        }
    }

    /**
     * The shipped config's Prometheus port range: the JobManager and the TaskManager on one host each export
     * (with one fixed port, the second process failed to bind and the job's metrics were nowhere).
     */
    private static void assertTheTaskManagersExportMetrics(StandaloneCluster cluster) throws Exception {
        Collection<String> scrapes = cluster.prometheusScrapes().values();
        assertThat(scrapes).as("a JobManager endpoint").anyMatch(body -> body.contains("flink_jobmanager_numRegisteredTaskManagers"));
        assertThat(scrapes).as("a TaskManager endpoint with the engine's metrics")
                .anyMatch(body -> body.contains("flink_taskmanager_job_task_operator_eventsProcessed"));
    }

    static String[] args(StandaloneCluster cluster, Path rules, List<String> more) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", cluster.kafkaBootstrap(), "--rules",
                rules.toString()));
        if (!more.contains("--checkpoint-interval")) {
            args.addAll(List.of("--checkpoint-interval", "2s"));
        }
        args.addAll(more);
        return args.toArray(String[]::new);
    }

    private static void createTopics(StandaloneCluster cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.kafkaBootstrap()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : TOPICS.all()) {
                topics.add(new NewTopic(t, 2, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    private static Set<String> changes(Outputs outputs) {
        return outputs.segments().stream().map(Object::toString).collect(Collectors.toSet());
    }

    private static Set<String> ids(List<Outputs.TriggerOut> triggers) {
        return triggers.stream().map(Outputs.TriggerOut::triggerId).collect(Collectors.toSet());
    }
}
