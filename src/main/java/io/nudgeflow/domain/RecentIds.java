package io.nudgeflow.domain;

/**
 * The event ids a user was seen with during the dedup window, oldest first: a 64-bit hash of each id and the
 * user's clock when it was seen. Ids arrive in the order of the user's clock, so the oldest are always at the
 * front and forgetting them is a move of the start of a ring, never a copy.
 *
 * <p>Every id of the window is kept (SPEC 5: a resent SDK batch can hold hundreds), up to a hard bound of
 * {@link #MAX} per user, far above any real retry; past it the oldest is forgotten and the caller counts it.
 */
final class RecentIds {
    /** 4,096 ids are 48 KB of state: a user sending more than that within a day is a bot or a flood. */
    static final int MAX = 4096;
    private static final long[] EMPTY = new long[0];

    /** Pairs (hash, seen at) in a ring of {@code pairs.length / 2} slots, {@code count} used from {@code start}. */
    private long[] pairs = EMPTY;
    private int start;
    private int count;

    int size() {
        return count;
    }

    long hashAt(int i) {
        return pairs[slot(i)];
    }

    long seenAtOf(int i) {
        return pairs[slot(i) + 1];
    }

    private int slot(int i) {
        int capacity = pairs.length / 2;
        return 2 * ((start + i) % capacity);
    }

    /** Whether the id was seen at or after {@code keepFrom}. */
    boolean contains(long hash, long keepFrom) {
        for (int i = count - 1; i >= 0; i--) { // newest first: a redelivery is usually of a recent event
            int s = slot(i);
            if (pairs[s + 1] < keepFrom) {
                return false;
            }
            if (pairs[s] == hash) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the ids seen before {@code keepFrom}. */
    void forgetBefore(long keepFrom) {
        while (count > 0 && pairs[slot(0) + 1] < keepFrom) {
            dropOldest();
        }
        if (count == 0) {
            start = 0;
        }
    }

    /**
     * Remembers an id seen at {@code seenAt} (never earlier than the ids already kept).
     *
     * @return how many ids the bound made it forget (0 or 1)
     */
    int add(long hash, long seenAt) {
        int evicted = 0;
        if (count == MAX) {
            dropOldest();
            evicted = 1;
        }
        if (count == pairs.length / 2) {
            grow();
        }
        int s = slot(count);
        pairs[s] = hash;
        pairs[s + 1] = seenAt;
        count++;
        return evicted;
    }

    private void dropOldest() {
        start = (start + 1) % (pairs.length / 2);
        count--;
    }

    private void grow() {
        int capacity = Math.min(MAX, Math.max(4, pairs.length)); // doubles: pairs.length is twice the slots
        long[] grown = new long[2 * capacity];
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            grown[2 * i] = pairs[s];
            grown[2 * i + 1] = pairs[s + 1];
        }
        pairs = grown;
        start = 0;
    }

    /** Rebuilds from a decoded record: pairs in order, oldest first. */
    static RecentIds of(long[] orderedPairs, int count) {
        RecentIds ids = new RecentIds();
        ids.pairs = count == 0 ? EMPTY : orderedPairs;
        ids.count = count;
        return ids;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RecentIds other) || other.count != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (hashAt(i) != other.hashAt(i) || seenAtOf(i) != other.seenAtOf(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return count;
    }

    @Override
    public String toString() {
        return count + " ids";
    }

    /** For tests: the ids' times, oldest first. */
    long[] seenTimes() {
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = seenAtOf(i);
        }
        return times;
    }
}
