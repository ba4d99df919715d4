package io.nudgeflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSetParser;
import io.nudgeflow.rules.RuleStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine operator taking rule sets from its broadcast input, as the live job wires it. */
class RuleSwitchHarnessTest {
    private static final RuleSet RULES = RuleSetParser.loadDefault();
    private static final Instant NOON = Instant.parse("2026-03-02T12:00:00Z");
    /** The default rules plus a 2 h inactivity nudge. */
    private static final String TWO_HOURS = RuleSetParser.defaultText()
            .replace("version: default-2026-11-22", "version: two-hours")
            .replace("rules:\n", """
                    rules:
                      - id: inactive_2h
                        kind: NUDGE
                        type: inactivity
                        after: 2h
                    """);

    private EngineHarness harness;
    private long offset;
    private int seq;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(Duration recheckSlice, Path rocksdb) throws Exception {
        harness = new EngineHarness(EngineSettings.live(RuleSetParser.timelineOf(null), ClockScale.REAL, null)
                .withTimerRecheckSlice(recheckSlice));
        if (rocksdb != null) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend().configure(
                    Configuration.fromMap(Map.of("state.backend.rocksdb.localdir", rocksdb.toString())),
                    getClass().getClassLoader()));
        }
        harness.open();
    }

    private void now(Instant t) throws Exception {
        harness.setProcessingTime(t.toEpochMilli());
        harness.processWatermark(new Watermark(t.toEpochMilli()));
    }

    private void publish(String key, String text, Instant at) throws Exception {
        harness.setProcessingTime(at.toEpochMilli());
        harness.processBroadcastElement(new RuleDocument(key, text, at.toEpochMilli(), null, "nudgeflow-rules", 0, offset++), 0);
    }

    private void send(String user, String type, Instant time) throws Exception {
        harness.processElement(new Event(user + "-" + seq++, user, type, time.toEpochMilli(), null, null, Map.of()),
                time.toEpochMilli());
    }

    /** Moves processing time on a slice at a time until every user's timer is checked; how many turns that took. */
    private int finishTimerCheck(long from) throws Exception {
        int turns = 0;
        for (long t = from; !harness.operator().timersRechecked(); turns++) {
            assertThat(turns).as("the timer check ends").isLessThan(1_000);
            harness.setProcessingTime(t += 5);
        }
        return turns;
    }

    private List<RuleStatus> statuses() {
        var records = harness.getSideOutput(Descriptors.RULE_STATUS);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).map(json -> {
            try {
                return RuleStatus.fromJson(json);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private List<Trigger> triggers(String ruleId) {
        return harness.extractOutputValues().stream().filter(t -> t.getRuleId().equals(ruleId)).toList();
    }

    @ParameterizedTest(name = "RocksDB: {0}")
    @ValueSource(booleans = {false, true})
    void aNewRuleFiresOnTimeForUsersWhoSendNothingAfterTheSwitch(boolean rocksdb, @TempDir Path dir) throws Exception {
        open(Duration.ZERO, rocksdb ? dir : null); // one user per turn: the pass over users is spread over many mailbox turns
        now(NOON);
        for (int u = 0; u < 5; u++) {
            send("u" + u, "lesson_completed", NOON.plusSeconds(u));
        }
        harness.prepareSnapshotPreBarrier(1); // some users in the backend, all in the cache
        send("late-joiner", "lesson_completed", NOON.plusSeconds(10)); // in the cache only

        Instant switchAt = NOON.plus(Duration.ofMinutes(30));
        now(switchAt);
        publish("default", TWO_HOURS, switchAt);
        assertThat(statuses()).singleElement().satisfies(s -> {
            assertThat(s.outcome()).isEqualTo(RuleStatus.ACCEPTED);
            assertThat(s.version()).isEqualTo("two-hours");
            assertThat(s.effectiveFrom()).isEqualTo(switchAt.toString());
            assertThat(s.offset()).isZero();
        });
        int turns = finishTimerCheck(switchAt.toEpochMilli());
        assertThat(turns).as("a turn per user (six users, some both cached and stored), and one copying the stored keys")
                .isBetween(7, 13);

        now(NOON.plus(Duration.ofHours(2)).plusSeconds(10));
        assertThat(triggers("inactive_2h")).extracting(Trigger::getUserId)
                .containsExactlyInAnyOrder("u0", "u1", "u2", "u3", "u4", "late-joiner");
        assertThat(triggers("inactive_2h")).allSatisfy(t -> {
            assertThat(t.getRuleSetVersion()).isEqualTo("two-hours");
            assertThat(t.getFireTime().toEpochMilli() - NOON.toEpochMilli()).isBetween(7_200_000L, 7_210_000L);
        });
    }

    @Test
    void anInvalidDocumentNeverReplacesTheActiveSetAndTheSameVersionIsANoOp() throws Exception {
        open(EngineSettings.DEFAULT_TIMER_RECHECK_SLICE, null);
        now(NOON);
        publish("default", TWO_HOURS.replace("after: 2h", "after: soon"), NOON);
        publish("default", RuleSetParser.defaultText(), NOON.plusSeconds(1));
        publish("other-app", "not even yaml: [", NOON.plusSeconds(2)); // for another job: no word from this one
        publish(null, TWO_HOURS, NOON.plusSeconds(3));

        List<RuleStatus> statuses = statuses();
        assertThat(statuses).extracting(RuleStatus::outcome)
                .containsExactly(RuleStatus.REJECTED, RuleStatus.UNCHANGED);
        assertThat(statuses.get(0).errors()).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo("inactive_2h");
            assertThat(p.field()).isEqualTo("after");
            assertThat(p.message()).contains("soon");
        });
        assertThat(statuses).extracting(RuleStatus::activeVersion).containsOnly(RULES.version());

        send("u1", "payment_failed", NOON.plusSeconds(5));
        assertThat(triggers("payment_failed")).singleElement()
                .satisfies(t -> assertThat(t.getRuleSetVersion()).isEqualTo(RULES.version()));
    }

    @Test
    void onlyTheFirstInstanceReportsADecision() throws Exception {
        harness = new EngineHarness(EngineSettings.live(RuleSetParser.timelineOf(null), ClockScale.REAL, null), 128, 2, 1);
        harness.open();
        publish("default", TWO_HOURS, NOON);
        assertThat(statuses()).isEmpty();
    }

    @Test
    void aCheckpointTakenAfterASwitchRestoresWithTheNewRuleSetAndFinishesTheTimerCheck() throws Exception {
        open(EngineSettings.DEFAULT_TIMER_RECHECK_SLICE, null);
        now(NOON);
        send("u1", "lesson_completed", NOON);
        publish("default", TWO_HOURS, NOON.plusSeconds(60));
        assertThat(harness.operator().timersRechecked()).as("the check has not run yet").isFalse();
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, NOON.plusSeconds(60).toEpochMilli());
        harness.close();

        harness = new EngineHarness(EngineSettings.live(RuleSetParser.timelineOf(null), ClockScale.REAL, null));
        harness.initializeState(snapshot);
        harness.open();
        assertThat(harness.operator().timersRechecked()).as("restored before it finished: it starts again").isFalse();
        finishTimerCheck(NOON.plusSeconds(61).toEpochMilli());
        now(NOON.plus(Duration.ofHours(2)));
        assertThat(triggers("inactive_2h")).singleElement()
                .satisfies(t -> assertThat(t.getRuleSetVersion()).isEqualTo("two-hours"));
        send("u2", "payment_failed", NOON.plus(Duration.ofHours(3)));
        assertThat(triggers("payment_failed")).singleElement()
                .satisfies(t -> assertThat(t.getRuleSetVersion()).isEqualTo("two-hours"));
    }

    @Test
    void anUpgradeWithAnotherRuleFileReplacesTheRulesItRestores() throws Exception {
        open(EngineSettings.DEFAULT_TIMER_RECHECK_SLICE, null);
        now(NOON);
        publish("default", TWO_HOURS, NOON);
        OperatorSubtaskState snapshot = harness.snapshot(1, NOON.toEpochMilli());
        harness.close();

        String upgraded = RuleSetParser.defaultText().replace("version: default-2026-11-22", "version: upgraded");
        harness = new EngineHarness(EngineSettings.live(io.nudgeflow.domain.RulesTimeline.of(
                RuleSetParser.parse(upgraded, "upgraded.yaml"), "file:upgraded.yaml", upgraded), ClockScale.REAL, null));
        harness.initializeState(snapshot);
        harness.open();
        send("u2", "payment_failed", NOON.plusSeconds(1));
        assertThat(triggers("payment_failed")).singleElement()
                .satisfies(t -> assertThat(t.getRuleSetVersion()).isEqualTo("upgraded"));
    }
}
