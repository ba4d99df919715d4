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
    /**
     * From this many ids on, a lookup goes through {@link #index} instead of scanning: a scan of 4,096 ids cost
     * a flooding user ~8 µs per event, a third of the engine's whole cost per event.
     */
    static final int INDEX_FROM = 64;
    /** The number of the oldest id kept: ids are numbered as they are added, so the index outlives ring moves. */
    private long firstSeq;
    /**
     * Open addressing by hash: each slot holds an id's number relative to {@link #indexBase}, plus one (0 is
     * empty). Not part of the record: built on the first lookup that needs it, rebuilt when forgotten ids fill
     * a quarter of it, so at least half of it stays empty and every probe ends.
     */
    private int[] index;
    private long indexBase;
    private int indexInserts;

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
        if (count >= INDEX_FROM) {
            return indexedContains(hash, keepFrom);
        }
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

    private boolean indexedContains(long hash, long keepFrom) {
        if (index == null) {
            rebuildIndex();
        }
        int mask = index.length - 1;
        for (int p = spread(hash) & mask; ; p = (p + 1) & mask) {
            int v = index[p];
            if (v == 0) {
                return false;
            }
            long i = indexBase + v - 1 - firstSeq; // its place in the ring, negative once forgotten
            if (i >= 0 && i < count && hashAt((int) i) == hash && seenAtOf((int) i) >= keepFrom) {
                return true;
            }
        }
    }

    private void rebuildIndex() {
        int capacity = Integer.highestOneBit(Math.max(count, INDEX_FROM) * 4 - 1) << 1; // a power of two ≥ 4 × count
        index = index != null && index.length == capacity ? index : new int[capacity];
        java.util.Arrays.fill(index, 0);
        indexBase = firstSeq;
        indexInserts = 0;
        for (int i = 0; i < count; i++) {
            place(hashAt(i), i + 1);
        }
    }

    private void place(long hash, int value) {
        int mask = index.length - 1;
        int p = spread(hash) & mask;
        while (index[p] != 0) {
            p = (p + 1) & mask;
        }
        index[p] = value;
    }

    private static int spread(long hash) {
        return (int) (hash ^ (hash >>> 32));
    }

    /** Forgets the ids seen before {@code keepFrom}. */
    void forgetBefore(long keepFrom) {
        while (count > 0 && pairs[slot(0) + 1] < keepFrom) {
            dropOldest();
        }
        if (count == 0) {
            start = 0;
            index = null;
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
        if (index != null) {
            if (++indexInserts > index.length / 4) {
                index = null; // a quarter of it added since it was built: the next lookup builds it afresh
            } else {
                place(hash, (int) (firstSeq + count - 1 - indexBase) + 1);
            }
        }
        return evicted;
    }

    private void dropOldest() {
        start = (start + 1) % (pairs.length / 2);
        count--;
        firstSeq++;
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
