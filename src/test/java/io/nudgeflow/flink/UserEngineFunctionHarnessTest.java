package io.nudgeflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.LifecycleStage;
import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserEngineFunctionHarnessTest {
    private static final RuleSet RULES = RuleSetParser.loadDefault();
    private static final Instant MONDAY_10AM = Instant.parse("2026-03-02T10:00:00Z");

    private KeyedOneInputStreamOperatorTestHarness<String, Event, Trigger> harness;
    private int seq;
    private long checkpointId;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aUserWhoseStreamStopsGetsInactive24hByProcessingTimeAlone() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);
        assertThat(triggers()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        // no further events: only the wall clock moves
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(24)).toEpochMilli());

        Trigger inactive = triggers().stream().filter(t -> t.getRuleId().equals("inactive_24h")).findFirst().orElseThrow();
        assertThat(inactive.getFireTime()).isEqualTo(MONDAY_10AM.plus(Duration.ofHours(24)));
        assertThat(inactive.getEmittedAt()).isEqualTo(inactive.getFireTime());
        assertThat(inactive.getAttributes()).isEqualTo(Map.of("hours_inactive", "24"));
        assertThat(inactive.getRuleSetVersion()).isEqualTo(RULES.version());
        assertThat(harness.numProcessingTimeTimers()).as("moved on to the 48 h deadline").isEqualTo(1);
    }

    @Test
    void keepsOneStateEntryAndOneTimerPerUserHoweverManyEvents() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        for (String user : List.of("a", "b", "c")) {
            for (int i = 0; i < 5; i++) {
                send(user, i % 2 == 0 ? "lesson_completed" : "app_open", MONDAY_10AM.plus(Duration.ofMinutes(i)));
            }
        }

        checkpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(3);
        assertThat(segmentChanges()).extracting(SegmentChange::getUserId, SegmentChange::getToStage)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", LifecycleStage.NEW),
                        org.assertj.core.groups.Tuple.tuple("b", LifecycleStage.NEW),
                        org.assertj.core.groups.Tuple.tuple("c", LifecycleStage.NEW));
    }

    @Test
    void activityThatPushesTheDeadlineLaterLeavesTheTimerWhereItIsAndTheDeadlineStillFiresOnTime() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM.plus(Duration.ofHours(1))); // inactive_24h moves to 11:00 tomorrow
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(24)).toEpochMilli()); // the early timer: nothing due
        assertThat(triggers()).extracting(Trigger::getRuleId).doesNotContain("inactive_24h");
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(25)).toEpochMilli());
        assertThat(triggers()).filteredOn(t -> t.getRuleId().equals("inactive_24h")).singleElement()
                .extracting(Trigger::getFireTime).isEqualTo(MONDAY_10AM.plus(Duration.ofHours(25)));
    }

    @Test
    void aDeadlineThatMovesEarlierMovesTheOneTimer() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u1", "add_to_cart", MONDAY_10AM.plus(Duration.ofMinutes(5))); // cart_abandoned in an hour

        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofMinutes(65)).toEpochMilli());
        assertThat(triggers()).extracting(Trigger::getRuleId).containsExactly("cart_abandoned");
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void aChurnedUserLeavesNoTimerBehind() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);

        for (int hour = 1; hour <= 31 * 24; hour++) { // the wall clock moves as it does, an hour at a time
            harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(hour)).toEpochMilli());
        }

        assertThat(triggers()).extracting(Trigger::getRuleId).contains("winback_30d");
        assertThat(segmentChanges()).extracting(SegmentChange::getToStage).endsWith(LifecycleStage.CHURNED);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void deadlinesLongPastAfterAnOutageGoToSuppressedAsStaleNotToUsers() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);

        // restored from an old checkpoint: the wall clock is suddenly three days on
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofDays(3)).toEpochMilli());

        assertThat(triggers()).isEmpty();
        assertThat(suppressed()).extracting(Trigger::getRuleId, Trigger::getSuppressedReason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("inactive_24h", "STALE"),
                org.assertj.core.groups.Tuple.tuple("onboarding_stalled", "STALE"),
                org.assertj.core.groups.Tuple.tuple("inactive_48h", "STALE"));
    }

    @Test
    void anErasedUserLeavesNoStateAndNoTimer() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u2", "lesson_completed", MONDAY_10AM);
        checkpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

        send("u1", "user_erased", MONDAY_10AM.plusSeconds(60));

        checkpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(25)).toEpochMilli());
        assertThat(triggers()).extracting(Trigger::getUserId).containsOnly("u2");
    }

    @Test
    void aDuplicateEventChangesNeitherStateNorTimers() throws Exception {
        live();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        Event lesson = event("u1", "lesson_completed", MONDAY_10AM);
        harness.processElement(lesson, 0);
        int outputs = harness.getOutput().size() + segmentChanges().size();

        harness.processElement(event("u1", "lesson_completed", MONDAY_10AM.plusSeconds(60), lesson.eventId()), 0);

        assertThat(harness.getOutput().size() + segmentChanges().size()).isEqualTo(outputs);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(24)).toEpochMilli());
        assertThat(triggers()).extracting(Trigger::getFireTime).as("the deadline did not move")
                .contains(MONDAY_10AM.plus(Duration.ofHours(24)));
    }

    @Test
    void replayFiresDeadlinesUpToUntilWhenTheInputEndsAndNoneLater() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new UserEngineFunction(EngineSettings.replay(RULES, MONDAY_10AM.plus(Duration.ofHours(30)).toEpochMilli())),
                new UserIdSelector(), Types.STRING);
        send("u1", "lesson_completed", MONDAY_10AM);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(triggers()).extracting(Trigger::getRuleId).containsExactly("inactive_24h", "onboarding_stalled");
        assertThat(triggers()).allSatisfy(t -> assertThat(t.getEmittedAt()).isEqualTo(t.getFireTime()));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @ParameterizedTest(name = "cache of {0} users, {1} pending writes, RocksDB: {2}")
    @CsvSource({"0, 0, false", "1, 1, false", "20000, 1, false", "20000, 20000, false", "1, 1, true", "20000, 1000, true"})
    void aRestoredCheckpointHoldsEveryUsersLatestStateWhateverTheCacheHeld(int cachedUsers, int pendingWrites,
            boolean rocksdb, @TempDir Path rocksdbDir) throws Exception {
        live(cachedUsers, pendingWrites);
        if (rocksdb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend().configure(
                    Configuration.fromMap(Map.of("state.backend.rocksdb.localdir", rocksdbDir.toString())),
                    getClass().getClassLoader()));
        }
        harness.open();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        Event lastOfA = null;
        for (int i = 0; i < 4; i++) { // with room for one user or one change, the others are written meanwhile
            for (String user : List.of("a", "b", "c")) {
                Event e = event(user, "lesson_completed", MONDAY_10AM.plus(Duration.ofMinutes(i)));
                harness.processElement(e, 0);
                if (user.equals("a")) {
                    lastOfA = e;
                }
            }
        }
        OperatorSubtaskState snapshot = checkpoint();
        harness.close();

        live(cachedUsers, pendingWrites);
        if (rocksdb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend().configure(
                    Configuration.fromMap(Map.of("state.backend.rocksdb.localdir", rocksdbDir.resolve("restored").toString())),
                    getClass().getClassLoader()));
        }
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofMinutes(10)).toEpochMilli());
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.processElement(lastOfA, 0); // redelivered after the restore: a known id, nothing happens
        send("b", "lesson_completed", MONDAY_10AM.plus(Duration.ofMinutes(10))); // moves b's deadline on
        assertThat(segmentChanges()).as("known users: no first-sighting stage change").isEmpty();
        assertThat(triggers()).isEmpty();

        // their deadlines count from their last lessons before the checkpoint (minute 3), not from the restore
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(3)).toEpochMilli());
        assertThat(triggers()).filteredOn(t -> t.getRuleId().equals("inactive_24h"))
                .extracting(Trigger::getUserId).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void aUserErasedWhileCachedIsNotWrittenBackByTheNextCheckpoint() throws Exception {
        live(20_000, 20_000);
        harness.open();
        harness.setProcessingTime(MONDAY_10AM.toEpochMilli());
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u1", "user_erased", MONDAY_10AM.plusSeconds(1));

        checkpoint();

        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /** The production operator with the default cache: state reaches the backend at checkpoints. */
    private void live() throws Exception {
        live(EngineSettings.DEFAULT_STATE_CACHE_USERS, EngineSettings.DEFAULT_STATE_CACHE_PENDING_WRITES);
        harness.open();
    }

    private void live(int cachedUsers, int pendingWrites) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new UserEngineOperator(EngineSettings.live(RULES, ClockScale.REAL, null).withStateCache(cachedUsers, pendingWrites)),
                new UserIdSelector(), Types.STRING);
        harness.setup();
    }

    /** As the task does it: the operator prepares (writes its cache back), then the state is snapshotted. */
    private OperatorSubtaskState checkpoint() throws Exception {
        checkpointId++;
        harness.prepareSnapshotPreBarrier(checkpointId);
        return harness.snapshot(checkpointId, harness.getProcessingTime());
    }

    private void send(String user, String type, Instant time) throws Exception {
        harness.processElement(event(user, type, time), time.toEpochMilli());
    }

    private Event event(String user, String type, Instant time) {
        return event(user, type, time, user + "-" + (seq++));
    }

    private static Event event(String user, String type, Instant time, String id) {
        return new Event(id, user, type, time.toEpochMilli(), null, null, Map.of());
    }

    private List<Trigger> triggers() {
        return harness.extractOutputValues();
    }

    private List<Trigger> suppressed() {
        var records = harness.getSideOutput(Descriptors.SUPPRESSED_TRIGGERS);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private List<SegmentChange> segmentChanges() {
        var records = harness.getSideOutput(Descriptors.SEGMENT_CHANGES); // null until the first change
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }
}
