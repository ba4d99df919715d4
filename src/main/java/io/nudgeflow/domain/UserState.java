package io.nudgeflow.domain;

/**
 * Everything the engine knows about one user: one record, read and written once per event.
 *
 * <p>Times are epoch milliseconds. {@link #NONE} marks an instant that has not happened. The record is
 * mutable on purpose: the keyed operator decodes it, the engine updates it in place, and the operator
 * encodes it again ({@link UserStateCodec}), so the hot path allocates nothing per rule.
 */
public final class UserState {
    public static final long NONE = Long.MIN_VALUE;

    static final int FLAG_START_EVENT_SEEN = 1;
    static final int FLAG_OPTED_OUT = 2;
    /** onboarding_stalled has fired: at most once per user (SPEC 6). */
    static final int FLAG_ONBOARDING_NUDGED = 4;
    /** streak_at_risk has fired for the day after the newest active day; cleared when that day moves. */
    static final int FLAG_STREAK_NUDGED = 8;

    long firstSeen;
    /** When the onboarding clock started: first sighting, or the first start event (signup). */
    long onboardingStart;
    /**
     * The user's clock: every deadline up to and including it has been fired. After an event it is one
     * millisecond before the newest event time, so deadlines at that very instant are still due.
     */
    long clock;
    long newestEventTime;
    long lastActive = NONE;
    /** Event time of the consent event in force: the newest one by event time wins, whatever the arrival order. */
    long consentTime = NONE;
    /** Event time of the event that gave {@link #zone}: the zone of the newest event carrying one wins. */
    long zoneTime = NONE;
    /** Null only before the very first evaluation. */
    Stage stage;
    long stageSince;
    /** Latest known IANA zone; null means UTC. */
    String zone;
    /** Bit i set means local day (activeDaysAnchor - i) had an active event; 64 days of history. */
    int activeDaysAnchor;
    long activeDaysBits;
    /**
     * Consecutive active days just before the 64 of {@link #activeDaysBits} (ending on anchor - 64): a streak
     * outlives the window (a 100-day streak is 100, not 64). 0 when the oldest day of the window is not active.
     */
    int runBeforeWindow;
    /** Bit i set means onboarding checklist step i is done. */
    int checklistDone;
    int flags;
    /** Event ids seen within the dedup window, with the user's clock when each was seen. */
    RecentIds recentIds = new RecentIds();
    /** Frequency cap: the local day counted and how many triggers went out on it. */
    int capDay = Integer.MIN_VALUE;
    int capCount;
    /** Counters, sums, pending carts, recent failures: what the rules remember. */
    final RuleMemory memory = new RuleMemory();
    /**
     * Triggers waiting for the end of quiet hours, usually none: at most one per rule, group and release
     * instant, and {@link #MAX_DEFERRED} in all ({@link #addDeferred}).
     */
    java.util.List<DeferredTrigger> deferred = java.util.List.of();
    /**
     * When the user's one timer is set for, or NONE when none is pending (a timer that fired is cleared).
     * Never later than the next deadline, so the timer can stay put while activity pushes deadlines later.
     */
    long wakeAt = NONE;
    /**
     * The {@link RulesTimeline.Entry#seq} of the rule set that last decided this user: when the user's time
     * reaches a newer one, the engine drops what only the old one needed ({@code UserEngine.enter}).
     */
    int ruleSetSeq;
    /**
     * Triggers followed until their goal or the end of their window, usually none or one: at most
     * {@link #MAX_OPEN_OUTCOMES} ({@link #openOutcome}).
     */
    java.util.List<OpenOutcome> outcomes = java.util.List.of();

    UserState() {}

    static UserState firstSighting(Event event) {
        UserState state = new UserState();
        state.firstSeen = event.time();
        state.onboardingStart = event.time();
        // the clock stays just before the first event: a deadline at its very instant is still pending
        state.clock = event.time() - 1;
        state.newestEventTime = event.time();
        state.zone = event.zone();
        state.zoneTime = event.zone() == null ? NONE : event.time();
        state.stageSince = event.time();
        return state;
    }

    public Stage stage() {
        return stage;
    }

    public String zone() {
        return zone;
    }

    public long lastActive() {
        return lastActive;
    }

    public long clock() {
        return clock;
    }

    public int ruleSetSeq() {
        return ruleSetSeq;
    }

    public int recentEventIdCount() {
        return recentIds.size();
    }

    /** The user's clock as the SPEC means it: the newest event or deadline reached. */
    long userNow() {
        return Math.max(newestEventTime, clock);
    }

    public boolean optedOut() {
        return hasFlag(FLAG_OPTED_OUT);
    }

    public java.util.List<DeferredTrigger> deferredTriggers() {
        return deferred;
    }

    /** Consecutive active local days ending at the newest active day. */
    int currentRun() {
        return runEndingOn(activeDaysAnchor);
    }

    boolean isActiveDay(int day) {
        int bit = activeDaysAnchor - day;
        return activeDaysBits != 0 && bit >= 0 && bit < 64 && (activeDaysBits & (1L << bit)) != 0;
    }

    /** Consecutive active days ending on {@code day} (0 when it is not active or older than the window). */
    int runEndingOn(int day) {
        int bit = activeDaysAnchor - day;
        if (activeDaysBits == 0 || bit < 0 || bit >= 64) {
            return 0;
        }
        int inWindow = Long.numberOfTrailingZeros(~(activeDaysBits >>> bit)); // 64 - bit when it reaches the oldest day
        return bit + inWindow == 64 ? inWindow + runBeforeWindow : inWindow;
    }

    /** Consecutive active days starting on {@code day} (0 when it is not active). */
    int runStartingOn(int day) {
        int bit = activeDaysAnchor - day;
        if (activeDaysBits == 0 || bit < 0 || bit >= 64) {
            return 0;
        }
        // bits bit, bit-1, ..., 0 are the days from `day` on: count the set ones from the top down
        long upToDay = bit == 63 ? activeDaysBits : activeDaysBits & ((1L << (bit + 1)) - 1);
        long shifted = upToDay << (63 - bit); // `day` now in the top bit
        return Long.numberOfLeadingZeros(~shifted);
    }

    /**
     * Hard bound of {@link #deferred}: far above the rules that can fire in one night (one per rule and group,
     * a few groups each); only a flood reaches it.
     */
    static final int MAX_DEFERRED = 32;

    /** What became of a trigger offered to wait for the end of quiet hours. */
    enum Deferral {
        /** It waits. */
        WAITING,
        /** The same rule (and group) already waits for the same release: the newer reason of the two waits. */
        REPLACED,
        /** {@link #MAX_DEFERRED} were waiting: the one with the oldest reason was dropped. */
        DROPPED
    }

    /**
     * Puts a trigger to wait for the end of quiet hours, within the bounds: one per rule, group and release
     * instant — the user gets one push per rule when quiet hours end, carrying the newest reason — and
     * {@link #MAX_DEFERRED} in all, dropping the oldest reason. Both choices depend on the triggers' due times,
     * not on the order their events arrived in, so a late event leaves what replay leaves.
     */
    Deferral addDeferred(DeferredTrigger d) {
        for (int i = 0; i < deferred.size(); i++) {
            DeferredTrigger waiting = deferred.get(i);
            if (waiting.ruleId().equals(d.ruleId()) && waiting.deferTo() == d.deferTo()
                    && java.util.Objects.equals(waiting.group(), d.group())) {
                if (NEWEST_REASON_LAST.compare(d, waiting) > 0) {
                    java.util.List<DeferredTrigger> replaced = new java.util.ArrayList<>(deferred);
                    replaced.set(i, d); // in place: releases at one instant keep their order
                    deferred = replaced;
                }
                return Deferral.REPLACED;
            }
        }
        java.util.List<DeferredTrigger> more = new java.util.ArrayList<>(deferred);
        more.add(d);
        if (more.size() <= MAX_DEFERRED) {
            deferred = more;
            return Deferral.WAITING;
        }
        more.remove(java.util.Collections.min(more, NEWEST_REASON_LAST));
        deferred = more;
        return Deferral.DROPPED;
    }

    /**
     * Hard bound of {@link #outcomes}: with the default rules a user has two or three windows open at a time
     * (a re-engagement and a streak within 48 h); only a flood of triggers reaches it.
     */
    public static final int MAX_OPEN_OUTCOMES = 16;

    /**
     * Follows a trigger's outcome. When {@link #MAX_OPEN_OUTCOMES} are open already, the window that ends soonest
     * (ties: the older trigger, then the id) is closed and returned — not converted, {@code TOO_MANY_OPEN} — so
     * the choice depends on the triggers alone, never on arrival order.
     *
     * @return the window closed to make room, or null
     */
    OpenOutcome openOutcome(OpenOutcome o) {
        java.util.List<OpenOutcome> more = new java.util.ArrayList<>(outcomes.size() + 1);
        more.addAll(outcomes);
        more.add(o);
        OpenOutcome closed = null;
        if (more.size() > MAX_OPEN_OUTCOMES) {
            closed = java.util.Collections.min(more, ENDS_FIRST);
            more.remove(closed);
        }
        outcomes = more;
        return closed;
    }

    /** Removes the windows that {@code closes} says are over, in the order they were opened. */
    java.util.List<OpenOutcome> closeOutcomes(java.util.function.Predicate<OpenOutcome> closes) {
        java.util.List<OpenOutcome> closed = null;
        java.util.List<OpenOutcome> open = null;
        for (OpenOutcome o : outcomes) {
            if (closes.test(o)) {
                (closed == null ? closed = new java.util.ArrayList<>() : closed).add(o);
            } else {
                (open == null ? open = new java.util.ArrayList<>() : open).add(o);
            }
        }
        if (closed == null) {
            return java.util.List.of();
        }
        outcomes = open == null ? java.util.List.of() : open;
        return closed;
    }

    private static final java.util.Comparator<OpenOutcome> ENDS_FIRST = java.util.Comparator
            .comparingLong(OpenOutcome::windowEnd)
            .thenComparingLong(OpenOutcome::fireTime)
            .thenComparing(OpenOutcome::triggerId);

    public java.util.List<OpenOutcome> openOutcomes() {
        return outcomes;
    }

    /** Orders deferred triggers by due time, then by what caused them, so every tie has one answer. */
    private static final java.util.Comparator<DeferredTrigger> NEWEST_REASON_LAST = java.util.Comparator
            .comparingLong(DeferredTrigger::dueAt)
            .thenComparing(DeferredTrigger::causeEventId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(DeferredTrigger::ruleId)
            .thenComparing(DeferredTrigger::group, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

    /**
     * Whether a deadline of this user at or after {@code eventTime} has already fired: the clock was moved
     * past the user's newest event by a deadline (never by an event, which leaves it just before itself).
     */
    boolean decidedPast(long eventTime) {
        return clock >= newestEventTime && eventTime <= clock;
    }

    /** Since when the user counts as inactive: the last active event, else the first sighting. */
    long inactiveSince() {
        return lastActive != NONE ? lastActive : firstSeen;
    }

    boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    void setFlag(int flag) {
        flags |= flag;
    }

    void clearFlag(int flag) {
        flags &= ~flag;
    }

    // ---- active days ----

    void markActiveDay(int day) {
        if (activeDaysBits == 0) {
            activeDaysAnchor = day;
            activeDaysBits = 1;
        } else if (day > activeDaysAnchor) {
            int shift = day - activeDaysAnchor;
            // the newest day leaving the window is day - 64: the run ending on it goes on counting before the window
            runBeforeWindow = shift > 64 ? 0 : runEndingOn(activeDaysAnchor - (64 - shift));
            activeDaysBits = (shift >= 64 ? 0 : activeDaysBits << shift) | 1;
            activeDaysAnchor = day;
            clearFlag(FLAG_STREAK_NUDGED); // a new day at risk
        } else if (activeDaysAnchor - day < 64) {
            activeDaysBits |= 1L << (activeDaysAnchor - day);
        }
    }

    /** Number of active local days in the {@code window} days ending with {@code today}. */
    int activeDaysInWindow(int today, int window) {
        if (activeDaysBits == 0) {
            return 0;
        }
        // bit i is day (anchor - i); we want today - window < anchor - i <= today
        int lo = Math.max(0, activeDaysAnchor - today);
        int hi = Math.min(64, activeDaysAnchor - today + window);
        if (hi <= lo) {
            return 0;
        }
        long bits = activeDaysBits >>> lo;
        int width = hi - lo;
        if (width < 64) {
            bits &= (1L << width) - 1;
        }
        return Long.bitCount(bits);
    }

    // ---- dedup of event ids ----

    /** Whether the id was seen within the dedup window before the user's clock. */
    boolean seenRecently(long idHash, long dedupWindowMs) {
        return recentIds.contains(idHash, userNow() - dedupWindowMs);
    }

    /**
     * Remembers an id as seen now (the user's clock) and forgets those seen before the window.
     *
     * @return how many ids the hard bound made it forget
     */
    int rememberId(long idHash, long dedupWindowMs) {
        long now = userNow();
        recentIds.forgetBefore(now - dedupWindowMs);
        return recentIds.add(idHash, now);
    }

    void forgetIdsBefore(long keepFrom) {
        recentIds.forgetBefore(keepFrom);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UserState other)) {
            return false;
        }
        return firstSeen == other.firstSeen
                && onboardingStart == other.onboardingStart
                && clock == other.clock
                && newestEventTime == other.newestEventTime
                && lastActive == other.lastActive
                && consentTime == other.consentTime
                && zoneTime == other.zoneTime
                && stage == other.stage
                && stageSince == other.stageSince
                && java.util.Objects.equals(zone, other.zone)
                && activeDaysAnchor == other.activeDaysAnchor
                && activeDaysBits == other.activeDaysBits
                && runBeforeWindow == other.runBeforeWindow
                && checklistDone == other.checklistDone
                && flags == other.flags
                && capDay == other.capDay
                && capCount == other.capCount
                && memory.equals(other.memory)
                && deferred.equals(other.deferred)
                && wakeAt == other.wakeAt
                && ruleSetSeq == other.ruleSetSeq
                && outcomes.equals(other.outcomes)
                && recentIds.equals(other.recentIds);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(clock) * 31 + Long.hashCode(firstSeen);
    }

    @Override
    public String toString() {
        return "UserState{stage=" + stage + ", clock=" + clock + ", lastActive=" + lastActive
                + ", zone=" + zone + ", activeDays=" + Long.toBinaryString(activeDaysBits) + "@" + activeDaysAnchor
                + ", checklist=" + Integer.toBinaryString(checklistDone) + ", recentIds=" + recentIds.size()
                + ", memorySlots=" + memory.size() + ", deferred=" + deferred.size() + ", openOutcomes=" + outcomes.size() + "}";
    }
}
