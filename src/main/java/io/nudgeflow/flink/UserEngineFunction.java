package io.nudgeflow.flink;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.EngineOutput;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.Outcome;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import io.nudgeflow.domain.UserStateCodec;
import io.nudgeflow.io.AvroMapping;
import io.nudgeflow.state.WriteBehindCache;
import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;

/**
 * The one keyed operator: load the user's state, let the {@link UserEngine} decide, store the state, move
 * the user's single timer where the engine says, emit. All logic lives in the domain. Its second, broadcast
 * input is the rules topic: every instance decides each document the same way ({@link RuleSwitches}), the
 * first one reports the decision, and an accepted rule set joins the engine's timeline.
 *
 * <p>Run by {@link UserEngineOperator}, active users' decoded states stay in a {@link WriteBehindCache} and
 * reach RocksDB when they leave it or before each checkpoint barrier. Run by a plain operator (no
 * {@link #bind}), every state is written through.
 */
public final class UserEngineFunction extends KeyedBroadcastProcessFunction<String, Event, RuleDocument, Trigger> {
    private final EngineSettings settings;
    private final RuleSwitches switches;

    private transient UserEngine engine;
    private transient ValueState<byte[]> userState;
    private transient Emitter emitter;
    private transient KeyContext keys;
    private transient WriteBehindCache<String, UserState> cache;
    private transient RuleSwitchListener switchListener;
    private transient Counter ruleSetsAccepted;
    private transient Counter ruleSetsRejected;
    private transient Counter ruleSetsUnchanged;

    public UserEngineFunction(EngineSettings settings, RuleSwitches switches) {
        this.settings = settings;
        this.switches = switches;
    }

    /** What the operator does when the rules change: keep the timeline in its state, check every user's timer. */
    interface RuleSwitchListener {
        void switched(RulesTimeline timeline) throws Exception;
    }

    /** Lets the cache write other users' states back: it switches the operator's current key to do so. */
    void bind(KeyContext operatorKeys, RuleSwitchListener listener) {
        this.keys = operatorKeys;
        this.switchListener = listener;
    }

    @Override
    public void open(OpenContext openContext) {
        engine = new UserEngine(settings.timeline());
        userState = getRuntimeContext().getState(Descriptors.userState(settings.stateRetention()));
        emitter = new Emitter(getRuntimeContext().getMetricGroup());
        cache = new WriteBehindCache<>(keys == null ? 0 : settings.stateCacheUsers(), settings.stateCachePendingWrites(),
                this::writeTo);
        getRuntimeContext().getMetricGroup().gauge("stateCacheHits", () -> cache.hits());
        getRuntimeContext().getMetricGroup().gauge("stateCacheMisses", () -> cache.misses());
        ruleSetsAccepted = getRuntimeContext().getMetricGroup().counter("ruleSetsAccepted");
        ruleSetsRejected = getRuntimeContext().getMetricGroup().counter("ruleSetsRejected");
        ruleSetsUnchanged = getRuntimeContext().getMetricGroup().counter("ruleSetsUnchanged");
        getRuntimeContext().getMetricGroup().gauge("ruleSetSeq", () -> engine.timeline().lastSeq());
    }

    UserEngine engine() {
        return engine;
    }

    /** A restored or replaced timeline: users are decided along it from now on. */
    void useTimeline(RulesTimeline timeline) {
        engine.switchTo(timeline);
    }

    @Override
    public void processBroadcastElement(RuleDocument doc, Context ctx, Collector<Trigger> out) throws Exception {
        if (!switches.follows(doc)) {
            return; // addressed to another job sharing the topic
        }
        RuleSwitches.Decision decision = switches.decide(engine.timeline(), doc,
                settings.clock().toSim(ctx.currentProcessingTime()));
        (decision.accepted() ? ruleSetsAccepted : io.nudgeflow.rules.RuleStatus.UNCHANGED.equals(decision.status().outcome())
                ? ruleSetsUnchanged : ruleSetsRejected).inc();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            ctx.output(Descriptors.RULE_STATUS, decision.status().toJson()); // one report per job, not per instance
        }
        if (decision.accepted()) {
            engine.switchTo(decision.timeline());
            switchListener.switched(decision.timeline());
        }
    }

    /** Puts every cached change into the state backend: before a checkpoint barrier and at the end of input. */
    int writeBack() throws IOException {
        return cache.writeBack();
    }

    @Override
    public void processElement(Event event, ReadOnlyContext ctx, Collector<Trigger> out) throws IOException {
        emitter.bind(ctx, out);
        String user = ctx.getCurrentKey();
        UserState before = load(user);
        TimeMode time = settings.timeMode();
        UserState after = engine.onEvent(before, event, time.wallNow(ctx.timerService()), emitter);
        emitter.events.inc();
        if (after == null) {
            cache.remove(user);
            userState.clear(); // erasure: nothing of the user stays, the next checkpoint has no trace of them
            time.apply(ctx.timerService(), engine.forget(before));
            return;
        }
        UserEngine.TimerMove move = engine.reschedule(after);
        cache.put(user, after);
        time.apply(ctx.timerService(), move);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Trigger> out) throws IOException {
        TimeMode time = settings.timeMode();
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME && !time.mayFire(ctx.timerService(), timestamp)) {
            return;
        }
        String user = ctx.getCurrentKey();
        UserState state = load(user);
        if (state == null) {
            return; // erased or expired since the timer was set
        }
        emitter.bind(ctx, out);
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            // a wall-clock timer of a release before deadlines followed the input, restored from its savepoint:
            // it decides nothing, the user's deadline gets an event-time timer instead
            engine.timerGone(state);
        } else {
            engine.onTimer(state, user, timestamp, time.wallNow(ctx.timerService()), emitter);
        }
        UserEngine.TimerMove move = engine.reschedule(state);
        cache.put(user, state);
        time.apply(ctx.timerService(), move);
    }

    /**
     * The user's timer checked against the current timeline (after a rule switch, for users who send nothing):
     * moved earlier when a new rule makes a deadline earlier. The operator has set the current key to {@code user}.
     *
     * @return whether the user had state
     */
    boolean recheckTimer(String user, org.apache.flink.streaming.api.TimerService timers) throws IOException {
        // past the cache: a pass over every user must not push the active ones out of it
        UserState cached = cache.get(user);
        UserState state = cached;
        if (state == null) {
            byte[] bytes = userState.value();
            if (bytes == null) {
                return false;
            }
            state = UserStateCodec.decode(bytes);
        }
        UserEngine.TimerMove move = engine.reschedule(state);
        if (move != UserEngine.TimerMove.NONE) {
            if (cached != null) {
                cache.put(user, state);
            } else {
                userState.update(UserStateCodec.encode(state));
            }
            settings.timeMode().apply(timers, move);
        }
        return true;
    }

    /** The users whose state is in the cache now (some not yet in the state backend). */
    java.util.List<String> cachedUsers() {
        return cache.keys();
    }

    /** The user's state: from the cache, else decoded from the backend (the current key is {@code user}). */
    private UserState load(String user) throws IOException {
        UserState cached = cache.get(user);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = userState.value();
        if (bytes == null) {
            return null;
        }
        UserState state = UserStateCodec.decode(bytes);
        cache.loaded(user, state);
        return state;
    }

    /** Writes one user's state to the backend, whichever user the operator is processing now. */
    private void writeTo(String user, UserState state) throws IOException {
        Object current = keys == null ? user : keys.getCurrentKey();
        boolean switchKey = !user.equals(current);
        if (switchKey) {
            keys.setCurrentKey(user);
        }
        userState.update(UserStateCodec.encode(state));
        if (switchKey && current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Turns the engine's decisions into records on the main and side outputs, with counters. */
    private final class Emitter implements EngineOutput {
        final Counter events;
        final Counter triggers;
        final Counter suppressed;
        final Counter segmentChanges;
        final Counter duplicates;
        final Counter lateEvents;
        final Counter lateAfterDeadline;
        final Counter recentIdsForgotten;
        final Counter erasures;
        final Counter deferredReplaced;
        final Counter deferredDropped;
        final RuleArmMetrics ruleArms;
        private ReadOnlyContext ctx;
        private Collector<Trigger> out;

        Emitter(org.apache.flink.metrics.MetricGroup metrics) {
            events = metrics.counter("eventsProcessed");
            triggers = metrics.counter("triggersEmitted");
            suppressed = metrics.counter("triggersSuppressed");
            segmentChanges = metrics.counter("segmentChanges");
            duplicates = metrics.counter("duplicateEventsIgnored");
            lateEvents = metrics.counter("lateEventsBeyondTolerance");
            lateAfterDeadline = metrics.counter("lateEventsAfterDeadline");
            recentIdsForgotten = metrics.counter("recentIdsForgotten");
            erasures = metrics.counter("usersErased");
            deferredReplaced = metrics.counter("deferredTriggersReplaced");
            deferredDropped = metrics.counter("deferredTriggersDropped");
            ruleArms = new RuleArmMetrics(metrics);
        }

        void bind(ReadOnlyContext ctx, Collector<Trigger> out) {
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public void trigger(FiredTrigger t) {
            Trigger record = AvroMapping.toAvro(t, settings.timeMode().emittedAt(ctx.timerService(), t.fireTime()));
            if (t.suppressedReason() == null) {
                triggers.inc();
                ruleArms.of(t.ruleId(), t.variant(), false).triggers().inc();
                out.collect(record);
            } else {
                if ("HOLDOUT".equals(t.suppressedReason())) {
                    ruleArms.of(t.ruleId(), null, true).triggers().inc();
                }
                suppressed.inc();
                ctx.output(Descriptors.SUPPRESSED_TRIGGERS, record);
            }
        }

        @Override
        public void outcome(Outcome o) {
            RuleArmMetrics.Counters arm = ruleArms.of(o.ruleId(), o.variant(), o.holdout());
            arm.outcomes().inc();
            if (o.converted()) {
                arm.conversions().inc();
            }
            ctx.output(Descriptors.TRIGGER_OUTCOMES, AvroMapping.toAvro(o, settings.timeMode().emittedAt(ctx.timerService(),
                    o.decidedAt())));
        }

        @Override
        public void stageChange(StageChange c) {
            segmentChanges.inc();
            ctx.output(Descriptors.SEGMENT_CHANGES,
                    AvroMapping.toAvro(c, settings.timeMode().emittedAt(ctx.timerService(), c.changeTime())));
        }

        @Override
        public void duplicateIgnored(Event event) {
            duplicates.inc();
        }

        @Override
        public void lateBeyondTolerance(Event event) {
            lateEvents.inc();
        }

        @Override
        public void lateAfterDeadline(Event event) {
            lateAfterDeadline.inc();
        }

        @Override
        public void recentIdForgotten(Event event) {
            recentIdsForgotten.inc();
        }

        @Override
        public void deferredTriggerDiscarded(String userId, String ruleId, boolean replaced) {
            (replaced ? deferredReplaced : deferredDropped).inc();
        }

        @Override
        public void erased(Event event) {
            erasures.inc();
        }
    }
}
