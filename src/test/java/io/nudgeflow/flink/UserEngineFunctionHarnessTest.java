package io.nudgeflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.LifecycleStage;
import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
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

    private EngineHarness harness;
    private int seq;
    private long checkpointId;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aQuietUsersDeadlineFiresOnceTheInputIsReadUpToItAndNotBecauseTheWallClockPassedIt() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        assertThat(triggers()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // the wall clock alone: the job may still have events of the user to read
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(25)).toEpochMilli());
        assertThat(triggers()).isEmpty();

        // the source says everything up to the deadline has been read (on a quiet stream: the wall clock, caught up)
        harness.processWatermark(new Watermark(MONDAY_10AM.plus(Duration.ofHours(24)).toEpochMilli()));

        Trigger inactive = triggers().stream().filter(t -> t.getRuleId().equals("inactive_24h")).findFirst().orElseThrow();
        assertThat(inactive.getFireTime()).isEqualTo(MONDAY_10AM.plus(Duration.ofHours(24)));
        assertThat(inactive.getEmittedAt()).as("the wall clock at emission").isEqualTo(MONDAY_10AM.plus(Duration.ofHours(25)));
        assertThat(inactive.getAttributes()).isEqualTo(Map.of("hours_inactive", "24"));
        assertThat(inactive.getRuleSetVersion()).isEqualTo(RULES.version());
        assertThat(harness.numEventTimeTimers()).as("moved on to the 48 h deadline").isEqualTo(1);
    }

    @Test
    void afterARestoreOverdueDeadlinesWaitForTheBacklogThatRefutesThem() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u2", "lesson_completed", MONDAY_10AM);
        OperatorSubtaskState savepoint = checkpoint();
        harness.close();

        // a day and more later the job comes back; u1's next lesson (23 h after the first) waits in Kafka
        live(EngineSettings.DEFAULT_STATE_CACHE_USERS, EngineSettings.DEFAULT_STATE_CACHE_PENDING_WRITES);
        harness.initializeState(savepoint);
        harness.open();
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(30)).toEpochMilli());
        assertThat(triggers()).as("nothing before the backlog is read").isEmpty();
        send("u1", "lesson_completed", MONDAY_10AM.plus(Duration.ofHours(23)));
        harness.processWatermark(new Watermark(MONDAY_10AM.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(30)).toEpochMilli()));

        assertThat(triggers()).filteredOn(t -> t.getRuleId().startsWith("inactive_"))
                .as("u1's lesson 23 h later was in the backlog; u2 really was idle for 24 h")
                .extracting(Trigger::getUserId, Trigger::getRuleId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("u2", "inactive_24h"));
    }

    @Test
    void keepsOneStateEntryAndOneTimerPerUserHoweverManyEvents() throws Exception {
        live();
        now(MONDAY_10AM);
        for (String user : List.of("a", "b", "c")) {
            for (int i = 0; i < 5; i++) {
                send(user, i % 2 == 0 ? "lesson_completed" : "app_open", MONDAY_10AM.plus(Duration.ofMinutes(i)));
            }
        }

        checkpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);
        assertThat(segmentChanges()).extracting(SegmentChange::getUserId, SegmentChange::getToStage)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", LifecycleStage.NEW),
                        org.assertj.core.groups.Tuple.tuple("b", LifecycleStage.NEW),
                        org.assertj.core.groups.Tuple.tuple("c", LifecycleStage.NEW));
    }

    @Test
    void activityThatPushesTheDeadlineLaterLeavesTheTimerWhereItIsAndTheDeadlineStillFiresOnTime() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM.plus(Duration.ofHours(1))); // inactive_24h moves to 11:00 tomorrow
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        now(MONDAY_10AM.plus(Duration.ofHours(24))); // the early timer: nothing due
        assertThat(triggers()).extracting(Trigger::getRuleId).doesNotContain("inactive_24h");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        now(MONDAY_10AM.plus(Duration.ofHours(25)));
        assertThat(triggers()).filteredOn(t -> t.getRuleId().equals("inactive_24h")).singleElement()
                .extracting(Trigger::getFireTime).isEqualTo(MONDAY_10AM.plus(Duration.ofHours(25)));
    }

    @Test
    void aUserWhoseOwnEventsPassedTheTimerBeforeTheJobsTimeDidStillGetsTheNextDeadline() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        // a backlog read faster than the job's time moves: the user's next lesson is read before the watermark
        // reaches the first deadline, whose timer is still pending
        send("u1", "lesson_completed", MONDAY_10AM.plus(Duration.ofHours(30)));
        assertThat(triggers()).extracting(Trigger::getRuleId).as("the lesson fired what came before it")
                .contains("inactive_24h");

        now(MONDAY_10AM.plus(Duration.ofHours(30 + 24)));

        assertThat(triggers()).filteredOn(t -> t.getRuleId().equals("inactive_24h")).extracting(Trigger::getFireTime)
                .containsExactly(MONDAY_10AM.plus(Duration.ofHours(24)), MONDAY_10AM.plus(Duration.ofHours(54)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void aDeadlineThatMovesEarlierMovesTheOneTimer() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u1", "add_to_cart", MONDAY_10AM.plus(Duration.ofMinutes(5))); // cart_abandoned in an hour

        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        now(MONDAY_10AM.plus(Duration.ofMinutes(65)));
        assertThat(triggers()).extracting(Trigger::getRuleId).containsExactly("cart_abandoned");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void aChurnedUserLeavesNoTimerBehind() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);

        // time moves as it does, an hour at a time, past the winback (30 d) and the end of its outcome window (48 h)
        for (int hour = 1; hour <= 33 * 24; hour++) {
            now(MONDAY_10AM.plus(Duration.ofHours(hour)));
        }

        assertThat(triggers()).extracting(Trigger::getRuleId).contains("winback_30d");
        assertThat(segmentChanges()).extracting(SegmentChange::getToStage).endsWith(LifecycleStage.CHURNED);
        assertThat(outcomes()).extracting(TriggerOutcome::getRuleId).contains("winback_30d");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void deadlinesLongPastAfterAnOutageGoToSuppressedAsStaleNotToUsers() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);

        // restored from an old checkpoint: three days on, nothing new to read
        now(MONDAY_10AM.plus(Duration.ofDays(3)));

        assertThat(triggers()).isEmpty();
        assertThat(suppressed()).extracting(Trigger::getRuleId, Trigger::getSuppressedReason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("inactive_24h", "STALE"),
                org.assertj.core.groups.Tuple.tuple("onboarding_stalled", "STALE"),
                org.assertj.core.groups.Tuple.tuple("inactive_48h", "STALE"));
    }

    @Test
    void theWatermarkAtTheEndOfABoundedInputFiresNoDeadlineAheadOfTheWallClock() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(30)).toEpochMilli());

        harness.processWatermark(new Watermark(Long.MAX_VALUE)); // the input ended; time did not

        assertThat(triggers()).extracting(Trigger::getRuleId).as("the 48 h deadline is still a day ahead")
                .containsExactly("inactive_24h", "onboarding_stalled");
        assertThat(suppressed()).isEmpty();
    }

    @Test
    void wallClockTimersOfTheFormerReleaseRestoreIntoDeadlinesThatWaitForTheInput() throws Exception {
        // the state and timer the release before this one left in a savepoint: a version-2 record whose
        // wake-up is a processing-time timer at the user's next deadline
        EngineSettings former = EngineSettings.live(RULES, ClockScale.REAL, null).withStateCache(0, 0);
        KeyedOneInputStreamOperatorTestHarness<String, Event, Trigger> old = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new FormerRelease(former)),
                new UserIdSelector(), Types.STRING);
        old.open();
        old.setProcessingTime(MONDAY_10AM.toEpochMilli());
        old.processElement(event("u1", "lesson_completed", MONDAY_10AM), 0);
        assertThat(old.numProcessingTimeTimers()).isEqualTo(1);
        OperatorSubtaskState savepoint = old.snapshot(1, MONDAY_10AM.toEpochMilli());
        old.close();

        live(EngineSettings.DEFAULT_STATE_CACHE_USERS, EngineSettings.DEFAULT_STATE_CACHE_PENDING_WRITES);
        harness.initializeState(savepoint);
        harness.open();
        harness.setProcessingTime(MONDAY_10AM.plus(Duration.ofHours(25)).toEpochMilli()); // the old timer fires: it decides nothing
        assertThat(triggers()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(MONDAY_10AM.plus(Duration.ofHours(24)).toEpochMilli()));
        assertThat(triggers()).extracting(Trigger::getRuleId).containsExactly("inactive_24h", "onboarding_stalled");
    }

    /** What the former release wrote per event: a version-2 state record and a wall-clock timer at its next deadline. */
    private static final class FormerRelease extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, Event, Trigger> {
        private final EngineSettings settings;
        private transient io.nudgeflow.domain.UserEngine engine;
        private transient org.apache.flink.api.common.state.ValueState<byte[]> user;

        FormerRelease(EngineSettings settings) {
            this.settings = settings;
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext context) {
            engine = new io.nudgeflow.domain.UserEngine(settings.rules());
            user = getRuntimeContext().getState(Descriptors.userState(null));
        }

        @Override
        public void processElement(Event event, Context ctx, org.apache.flink.util.Collector<Trigger> out) throws Exception {
            io.nudgeflow.domain.UserState state = engine.onEvent(null, event, io.nudgeflow.domain.UserEngine.NO_WALL_CLOCK,
                    new io.nudgeflow.domain.EngineOutput() {
                        @Override
                        public void trigger(io.nudgeflow.domain.FiredTrigger trigger) {}

                        @Override
                        public void outcome(io.nudgeflow.domain.Outcome outcome) {}

                        @Override
                        public void stageChange(io.nudgeflow.domain.StageChange change) {}
                    });
            long wake = engine.reschedule(state).set();
            byte[] bytes = io.nudgeflow.domain.UserStateCodec.encode(state);
            bytes[0] = 2; // the former format version: same layout
            user.update(bytes);
            ctx.timerService().registerProcessingTimeTimer(wake);
        }
    }

    @Test
    void anErasedUserLeavesNoStateAndNoTimer() throws Exception {
        live();
        now(MONDAY_10AM);
        send("u1", "lesson_completed", MONDAY_10AM);
        send("u2", "lesson_completed", MONDAY_10AM);
        checkpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

        send("u1", "user_erased", MONDAY_10AM.plusSeconds(60));

        checkpoint();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        now(MONDAY_10AM.plus(Duration.ofHours(25)));
        assertThat(triggers()).extracting(Trigger::getUserId).containsOnly("u2");
    }

    @Test
    void aDuplicateEventChangesNeitherStateNorTimers() throws Exception {
        live();
        now(MONDAY_10AM);
        Event lesson = event("u1", "lesson_completed", MONDAY_10AM);
        harness.processElement(lesson, 0);
        int outputs = harness.getOutput().size() + segmentChanges().size();

        harness.processElement(event("u1", "lesson_completed", MONDAY_10AM.plusSeconds(60), lesson.eventId()), 0);

        assertThat(harness.getOutput().size() + segmentChanges().size()).isEqualTo(outputs);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        now(MONDAY_10AM.plus(Duration.ofHours(24)));
        assertThat(triggers()).extracting(Trigger::getFireTime).as("the deadline did not move")
                .contains(MONDAY_10AM.plus(Duration.ofHours(24)));
    }

    @Test
    void replayFiresDeadlinesUpToUntilWhenTheInputEndsAndNoneLater() throws Exception {
        harness = new EngineHarness(EngineSettings.replay(RULES, MONDAY_10AM.plus(Duration.ofHours(30)).toEpochMilli())
                .withStateCache(0, 0));
        harness.open();
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
        now(MONDAY_10AM);
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
        now(MONDAY_10AM.plus(Duration.ofMinutes(10)));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.processElement(lastOfA, 0); // redelivered after the restore: a known id, nothing happens
        send("b", "lesson_completed", MONDAY_10AM.plus(Duration.ofMinutes(10))); // moves b's deadline on
        assertThat(segmentChanges()).as("known users: no first-sighting stage change").isEmpty();
        assertThat(triggers()).isEmpty();

        // their deadlines count from their last lessons before the checkpoint (minute 3), not from the restore
        now(MONDAY_10AM.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(3)));
        assertThat(triggers()).filteredOn(t -> t.getRuleId().equals("inactive_24h"))
                .extracting(Trigger::getUserId).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void aUserErasedWhileCachedIsNotWrittenBackByTheNextCheckpoint() throws Exception {
        live(20_000, 20_000);
        harness.open();
        now(MONDAY_10AM);
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
        harness = new EngineHarness(EngineSettings.live(RULES, ClockScale.REAL, null).withStateCache(cachedUsers, pendingWrites));
        harness.setup();
    }

    /** Caught up at {@code t}: the wall clock says it, and the source's watermark too. */
    private void now(Instant t) throws Exception {
        harness.setProcessingTime(t.toEpochMilli());
        harness.processWatermark(new Watermark(t.toEpochMilli()));
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

    private List<TriggerOutcome> outcomes() {
        var records = harness.getSideOutput(Descriptors.TRIGGER_OUTCOMES);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }
}
