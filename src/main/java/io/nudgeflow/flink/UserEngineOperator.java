package io.nudgeflow.flink;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import io.nudgeflow.rules.RulesOnRestore;
import io.nudgeflow.rules.RulesTimelineCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link UserEngineFunction} with its write-behind cache of active users' states (written back to the
 * keyed state before every checkpoint barrier and when the input ends), and its rule timeline: kept in
 * broadcast state, so a restore resumes the rules that were in force ({@link RulesOnRestore}).
 *
 * <p>After a rule switch, users who send nothing more still need the deadline a new rule makes earlier: every
 * user's timer is checked again in turns of the task's mailbox, {@link EngineSettings#timerRecheckSlice} of
 * work each, and as long a pause for records after each, so the stream keeps flowing. How far that got is kept per checkpoint; a restore before it finished
 * checks everyone again.
 */
public final class UserEngineOperator extends CoBroadcastWithKeyedOperator<String, Event, RuleDocument, Trigger> {
    private static final Logger LOG = LoggerFactory.getLogger(UserEngineOperator.class);
    private static final ListStateDescriptor<Integer> RECHECKED =
            new ListStateDescriptor<>("rules-timers-rechecked-seq", Types.INT);

    private final UserEngineFunction engine;
    private final EngineSettings settings;

    private transient TimerService timers;
    private transient ListState<Integer> recheckedState;
    private transient boolean restored;
    /** The timeline seq up to which every user's timer has been checked on this instance. */
    private transient int recheckedSeq;
    private transient Recheck recheck;
    private transient BroadcastState<String, String> storedTimeline;
    /** The version of the {@code --rules} file the job's timeline started with. */
    private transient String startedWith;

    public UserEngineOperator(EngineSettings settings, RuleSwitches switches) {
        this(new UserEngineFunction(settings, switches), settings);
    }

    private UserEngineOperator(UserEngineFunction engine, EngineSettings settings) {
        super(engine, List.of(Descriptors.RULES_TIMELINE));
        this.engine = engine;
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        recheckedState = context.getOperatorStateStore().getListState(RECHECKED);
        restored = context.isRestored();
        recheckedSeq = Integer.MAX_VALUE;
        for (Integer seq : recheckedState.get()) {
            recheckedSeq = Math.min(recheckedSeq, seq); // rescaled: the least any former instance got to
        }
    }

    @Override
    public void open() throws Exception {
        engine.bind(this, this::switched); // before the function opens and sizes its cache
        super.open();
        timers = new SimpleTimerService(getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));

        storedTimeline = getOperatorStateBackend().getBroadcastState(Descriptors.RULES_TIMELINE);
        String json = storedTimeline.get(Descriptors.TIMELINE_KEY);
        RulesTimelineCodec.Stored before = json == null ? null
                : RulesTimelineCodec.fromJson(json, settings.timeline().entries().get(0));
        RulesTimelineCodec.Stored now = RulesOnRestore.resolve(before, settings.timeline());
        if (before != null && before.timeline() != now.timeline()) {
            LOG.warn("The job was started with another rule file ({}) than before the restore ({}): it replaces the rules "
                    + "in force, changes from the rules topic included", now.startedWith(), before.startedWith());
        }
        startedWith = now.startedWith();
        storedTimeline.put(Descriptors.TIMELINE_KEY, RulesTimelineCodec.toJson(now));
        engine.useTimeline(now.timeline());
        LOG.info("Rules in force: {}", now.timeline());
        if (!restored) {
            recheckedSeq = now.timeline().lastSeq(); // no user has state yet
        } else if (recheckedSeq < now.timeline().lastSeq()) {
            startRecheck();
        }
    }

    /** The function switched to another timeline: keep it, and check every user's timer against it. */
    private void switched(RulesTimeline timeline) throws Exception {
        storedTimeline.put(Descriptors.TIMELINE_KEY, RulesTimelineCodec.toJson(new RulesTimelineCodec.Stored(timeline, startedWith)));
        startRecheck();
    }

    private void startRecheck() {
        if (recheck != null) {
            recheck.close();
        }
        recheck = new Recheck(engine.cachedUsers(), keysInBackend(), engine.engine().timeline().lastSeq());
        scheduleRecheck(0);
    }

    /**
     * Every user with state in the backend. RocksDB iterates a snapshot lazily while records go on changing the
     * state; the heap backend's map cannot be changed while iterated, so its keys are copied first.
     */
    private Stream<String> keysInBackend() {
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = getKeyedStateBackend();
        Stream<String> keys = backend.getKeys("user", VoidNamespace.INSTANCE);
        if (backend instanceof HeapKeyedStateBackend<?>) {
            List<String> copy;
            try (keys) {
                copy = new ArrayList<>(keys.toList());
            }
            return copy.stream();
        }
        return keys;
    }

    private void scheduleRecheck(long pauseMillis) {
        // a processing-time callback is a mail of the task's mailbox. Registered for now, the next turn came before
        // the records waiting (the mailbox runs its mails first): with 1 M users the stream stalled for seconds
        getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + pauseMillis,
                time -> recheckSome());
    }

    private void recheckSome() throws Exception {
        Recheck current = recheck;
        if (current == null) {
            return;
        }
        long start = System.nanoTime();
        long budget = settings.timerRecheckSlice().toNanos();
        if (current.collecting()) {
            current.collect(start + budget);
        } else {
            Object key = getCurrentKey();
            int checked = 0;
            // at least one user per turn (a user's check, 10-30 µs, dwarfs reading the clock)
            while (current.hasNext() && (checked == 0 || System.nanoTime() - start < budget)) {
                String user = current.next();
                setCurrentKey(user);
                if (engine.recheckTimer(user, timers)) {
                    current.users++;
                }
                checked++;
            }
            if (key != null) {
                setCurrentKey(key);
            }
        }
        current.turns++;
        if (current.collecting() || current.hasNext()) {
            // as long a pause as the slice of work, within 1 ms .. 1 s (a slice of a day checks everyone in one turn)
            scheduleRecheck(Math.min(1_000, Math.max(1, settings.timerRecheckSlice().toMillis())));
            return;
        }
        current.close();
        recheck = null;
        recheckedSeq = current.seq;
        LOG.info("Checked the timers of {} users against rule set seq {} in {} ms ({} turns)", current.users, current.seq,
                (System.nanoTime() - current.started) / 1_000_000, current.turns);
    }

    /** Whether every user's timer has been checked against the newest rule set (tests, metrics). */
    public boolean timersRechecked() {
        return recheck == null;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        recheckedState.update(List.of(recheck == null ? recheckedSeq : Math.min(recheckedSeq, recheck.seq - 1)));
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        long start = System.nanoTime();
        int written = engine.writeBack();
        // the write-back delays this subtask's records: it belongs next to Flink's own checkpoint timings
        LOG.debug("Wrote {} cached user states back in {} ms before checkpoint {}", written,
                (System.nanoTime() - start) / 1_000_000, checkpointId);
    }

    @Override
    public void finish() throws Exception {
        engine.writeBack();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (recheck != null) {
            recheck.close();
            recheck = null;
        }
        super.close();
    }

    /**
     * One pass over every user: the cached ones first (some are not in the backend yet), then the backend's.
     * The backend's keys are copied out first, in turns too, and the iterator closed: held open while the
     * check rewrote users, a RocksDB iterator pinned every memtable written meanwhile, the memory they count
     * against filled up and RocksDB stalled all writes, the stream's too, for seconds (1 M users).
     */
    private static final class Recheck implements AutoCloseable {
        final int seq;
        final long started = System.nanoTime();
        final List<String> keys;
        final Stream<String> stored;
        final Iterator<String> storedKeys;
        boolean collected;
        int position;
        int users;
        int turns;

        Recheck(List<String> cached, Stream<String> stored, int seq) {
            this.keys = new ArrayList<>(cached);
            this.stored = stored;
            this.storedKeys = stored.iterator();
            this.seq = seq;
        }

        boolean collecting() {
            return !collected;
        }

        /** Copies the backend's keys until {@code deadline} (System.nanoTime); closes the iterator once through. */
        void collect(long deadline) {
            while (storedKeys.hasNext()) {
                keys.add(storedKeys.next());
                if ((keys.size() & 255) == 0 && System.nanoTime() >= deadline) {
                    return;
                }
            }
            collected = true;
            stored.close();
        }

        boolean hasNext() {
            return position < keys.size();
        }

        String next() {
            return keys.get(position++);
        }

        @Override
        public void close() {
            stored.close();
        }
    }
}
