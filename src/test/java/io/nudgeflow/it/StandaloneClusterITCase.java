package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.demo.Population;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.io.Topics;
import io.nudgeflow.it.cluster.StandaloneCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The cluster tier (issue 13), first scenario: Nudgeflow on a real standalone Flink session cluster —
 * JobManager and TaskManagers in JVMs of their own, the project's {@code flink-conf/config.yaml}, a Kafka
 * broker in its own JVM — deployed with {@code flink run -d target/nudgeflow-job.jar run ...} as the README
 * says. Users' events arrive in real time (deadline rules of seconds, from a test rule file), and three times a
 * TaskManager is killed with {@code kill -9} and a new one started: what reaches the Kafka topics equals what
 * {@code replay} says of the same input — nothing lost, nothing replay would not send, every redelivery with
 * the same {@code trigger_id}; deadlines that passed while the job was down may only be labelled STALE. The
 * same with the Kafka broker killed and restarted three times instead (scenario d).
 */
class StandaloneClusterITCase {
    private static final Topics TOPICS = new Topics(Topics.USER_EVENTS, Topics.ENGAGEMENT_TRIGGERS,
            Topics.SEGMENT_CHANGES, Topics.SUPPRESSED_TRIGGERS, Topics.USER_EVENTS_DLQ);

    private static final Path SHORT_RULES_FILE = Path.of("src", "test", "resources", "it", "short-deadlines.yaml");
    /** Past the last event, the short rules' last deadline (churned after 11 s) has come. */
    private static final long SETTLE_MS = 12_000;

    @Test
    void threeTaskManagerKillsMidStreamLoseNothingAndAddNothingReplayWouldNotSend(@TempDir Path dir) throws Exception {
        runWith(dir, 37, "2s", cluster -> {
            cluster.killTaskManager();
            cluster.startTaskManager();
        }, "TaskManager kills");
    }

    @Test
    void aKafkaBrokerCrashingThreeTimesMidStreamLosesNothing(@TempDir Path dir) throws Exception {
        // while the broker is down the devices' events wait in their producers and reach Kafka up to ~15 s late:
        // deadlines wait that long for them (--max-event-delay), else live would decide without them (README, Time)
        runWith(dir, 41, "30s", StandaloneCluster::restartKafka, "broker restarts");
    }

    /** Something that goes wrong with the cluster, three times while users' events arrive. */
    private interface Disruption {
        void hit(StandaloneCluster cluster) throws Exception;
    }

    private static void runWith(Path dir, long seed, String maxEventDelay, Disruption disruption, String what)
            throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"),
                Map.of("heartbeat.timeout", "10000", "heartbeat.interval", "2000"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.kafkaBootstrap()))) {
                List<NewTopic> topics = new ArrayList<>();
                for (String t : TOPICS.all()) {
                    topics.add(new NewTopic(t, 2, (short) 1));
                }
                admin.createTopics(topics).all().get();
            }
            String job = cluster.submit(Path.of("target", "nudgeflow-job.jar"), "run", "--bootstrap-servers",
                    cluster.kafkaBootstrap(), "--rules", SHORT_RULES_FILE.toString(), "--max-event-delay", maxEventDelay,
                    "--checkpoint-interval", "2s");
            cluster.awaitJobState(job, "RUNNING", Duration.ofSeconds(90));

            // 30 users over a minute, in real time; the disruption at 5, 25 and 45 s
            long start = System.currentTimeMillis() + 1_000;
            List<Population.Scheduled> events = TestUsers.generate(30, start, 60_000, seed);
            try (Feeder feeder = new Feeder(cluster.kafkaBootstrap(), TOPICS.userEvents())) {
                CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
                    try {
                        feeder.sendInTime(events, ClockScale.REAL);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                for (long at : new long[] {5_000, 25_000, 45_000}) {
                    StandaloneCluster.await(Duration.ofSeconds(120), () -> System.currentTimeMillis() >= start + at,
                            "the wall clock at +" + at + " ms");
                    disruption.hit(cluster);
                    cluster.awaitJobState(job, "RUNNING", Duration.ofSeconds(90));
                }
                feeding.get();
            }
            long cut = events.get(events.size() - 1).time() + SETTLE_MS;
            Outputs replay = Outputs.ofReplay(ReplayCli.run(events, SHORT_RULES_FILE, cut, dir));
            Set<String> expected = ids(replay);
            Set<String> expectedChanges = changes(replay);
            // the last deadlines before the cut fire live once the input is read past them (plus the allowance)
            StandaloneCluster.await(Duration.ofSeconds(150), () -> {
                Outputs so = Outputs.ofTopics(cluster.kafkaBootstrap(), TOPICS).upTo(Instant.ofEpochMilli(cut));
                return ids(so).containsAll(expected) && changes(so).containsAll(expectedChanges);
            }, "every trigger and segment change replay sends");
            Outputs live = Outputs.ofTopics(cluster.kafkaBootstrap(), TOPICS).upTo(Instant.ofEpochMilli(cut));
            System.out.printf("cluster tier: %d triggers in replay; live %d records, %d of them redelivered, after 3 %s%n",
                    replay.triggers().size(), live.triggers().size(), live.triggers().size() - ids(live).size(), what);
            assertThat(replay.triggers()).hasSizeGreaterThan(50);
            LiveMatchesReplay.assertMatch(live, replay, true);
        }
    }

    private static Set<String> changes(Outputs outputs) {
        return outputs.segments().stream().map(Object::toString).collect(Collectors.toSet());
    }

    private static Set<String> ids(Outputs outputs) {
        return outputs.triggers().stream().map(Outputs.TriggerOut::triggerId).collect(Collectors.toSet());
    }
}
