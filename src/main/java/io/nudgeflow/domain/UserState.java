package io.nudgeflow.domain;

import java.util.Arrays;

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
    /**
     * At most this many recent ids per user: redeliveries come within minutes, and a bot sending thousands
     * of events a day must not make every one of its events re-encode thousands of ids.
     */
    static final int MAX_RECENT_IDS = 64;

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
    /** Null only before the very first evaluation. */
    Stage stage;
    long stageSince;
    /** Latest known IANA zone; null means UTC. */
    String zone;
    /** Bit i set means local day (activeDaysAnchor - i) had an active event; 64 days of history. */
    int activeDaysAnchor;
    long activeDaysBits;
    /** Bit i set means onboarding checklist step i is done. */
    int checklistDone;
    int flags;
    /** Recently seen event ids for dedup: pairs (hash, event time), {@code recentIdCount} pairs used. */
    long[] recentIds = EMPTY;
    int recentIdCount;
    /** Frequency cap: the local day counted and how many triggers went out on it. */
    int capDay;
    int capCount;
    /** Counters, sums, pending carts, recent failures: what the rules remember. */
    final RuleMemory memory = new RuleMemory();
    /** Triggers waiting for the end of quiet hours, usually none. */
    java.util.List<DeferredTrigger> deferred = java.util.List.of();
    /**
     * When the user's one timer is set for, or NONE when none is pending (a timer that fired is cleared).
     * Never later than the next deadline, so the timer can stay put while activity pushes deadlines later.
     */
    long wakeAt = NONE;

    private static final long[] EMPTY = new long[0];

    UserState() {}

    static UserState firstSighting(Event event) {
        UserState state = new UserState();
        state.firstSeen = event.time();
        state.onboardingStart = event.time();
        // the clock stays just before the first event: a deadline at its very instant is still pending
        state.clock = event.time() - 1;
        state.newestEventTime = event.time();
        state.zone = event.zone();
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

    public int recentEventIdCount() {
        return recentIdCount;
    }

    public boolean optedOut() {
        return hasFlag(FLAG_OPTED_OUT);
    }

    public java.util.List<DeferredTrigger> deferredTriggers() {
        return deferred;
    }

    /** Consecutive active local days ending at the newest active day (at most 64). */
    int currentRun() {
        return activeDaysBits == 0 ? 0 : Long.numberOfTrailingZeros(~activeDaysBits);
    }

    void addDeferred(DeferredTrigger d) {
        java.util.List<DeferredTrigger> more = new java.util.ArrayList<>(deferred);
        more.add(d);
        deferred = more;
    }

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
            activeDaysBits = (shift >= 64 ? 0 : activeDaysBits << shift) | 1;
            activeDaysAnchor = day;
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

    boolean seenRecently(long idHash) {
        for (int i = 0; i < recentIdCount; i++) {
            if (recentIds[2 * i] == idHash) {
                return true;
            }
        }
        return false;
    }

    /** Remembers an id and forgets those older than {@code keepFrom}: the set stays bounded by time. */
    void rememberId(long idHash, long eventTime, long keepFrom) {
        forgetIdsBefore(keepFrom);
        if (eventTime < keepFrom) {
            return;
        }
        if (recentIdCount == MAX_RECENT_IDS) { // drop the oldest
            System.arraycopy(recentIds, 2, recentIds, 0, 2 * (recentIdCount - 1));
            recentIdCount--;
        }
        if (2 * (recentIdCount + 1) > recentIds.length) {
            recentIds = Arrays.copyOf(recentIds, Math.max(4, recentIds.length * 2));
        }
        recentIds[2 * recentIdCount] = idHash;
        recentIds[2 * recentIdCount + 1] = eventTime;
        recentIdCount++;
    }

    void forgetIdsBefore(long keepFrom) {
        int kept = 0;
        for (int i = 0; i < recentIdCount; i++) {
            if (recentIds[2 * i + 1] >= keepFrom) {
                recentIds[2 * kept] = recentIds[2 * i];
                recentIds[2 * kept + 1] = recentIds[2 * i + 1];
                kept++;
            }
        }
        recentIdCount = kept;
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
                && stage == other.stage
                && stageSince == other.stageSince
                && java.util.Objects.equals(zone, other.zone)
                && activeDaysAnchor == other.activeDaysAnchor
                && activeDaysBits == other.activeDaysBits
                && checklistDone == other.checklistDone
                && flags == other.flags
                && capDay == other.capDay
                && capCount == other.capCount
                && memory.equals(other.memory)
                && deferred.equals(other.deferred)
                && wakeAt == other.wakeAt
                && Arrays.equals(recentIds, 0, 2 * recentIdCount, other.recentIds, 0, 2 * other.recentIdCount);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(clock) * 31 + Long.hashCode(firstSeen);
    }

    @Override
    public String toString() {
        return "UserState{stage=" + stage + ", clock=" + clock + ", lastActive=" + lastActive
                + ", zone=" + zone + ", activeDays=" + Long.toBinaryString(activeDaysBits) + "@" + activeDaysAnchor
                + ", checklist=" + Integer.toBinaryString(checklistDone) + ", recentIds=" + recentIdCount
                + ", memorySlots=" + memory.size() + ", deferred=" + deferred.size() + "}";
    }
}
