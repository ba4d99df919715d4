package io.nudgeflow.state;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live values of recently active keys, kept in memory in front of a slower backing store. A read of a
 * cached key costs no store read and no decoding. A changed value may wait in memory for a while, so a key
 * that changes again soon is written once: at most {@code maxDirty} changed values wait, the oldest change is
 * written first, and {@link #writeBack()} (before every checkpoint) writes the rest, so the store is complete
 * at every checkpoint. {@code maxDirty} bounds the work of that write-back, which holds up the records.
 *
 * <p>At most {@code capacity} entries are held (least recently used leaves first), and an entry not used
 * since the write-back before last is read from the store again: a key is only served from memory while it
 * stays active, so the store's own expiry still applies to everything else.
 *
 * <p>Not thread-safe: one instance per operator instance, used from its task thread.
 */
public final class WriteBehindCache<K, V> {

    /** Where values go when they are written back. */
    @FunctionalInterface
    public interface Store<K, V> {
        void write(K key, V value) throws IOException;
    }

    private final int capacity;
    private final int maxDirty;
    private final Store<K, V> store;
    private final LinkedHashMap<K, Entry<K, V>> entries;
    /** Every changed entry, oldest change first; also entries written since (skipped, and compacted away). */
    private final ArrayDeque<Entry<K, V>> changes = new ArrayDeque<>();
    /**
     * The entry last read or inserted: an operator writes the key it has just read, so {@link #put} finds it
     * here without a second lookup. Always held by the cache: only an insertion evicts, and an insertion makes
     * the inserted entry the recent one.
     */
    private Entry<K, V> recent;
    private int dirty;
    /** Counts write-backs: an entry used in neither this nor the previous interval is stale. */
    private long interval;
    private IOException evictionFailure;
    private long hits;
    private long misses;

    /**
     * @param capacity the most values held; 0 holds none and writes every value through at once
     * @param maxDirty the most changed values waiting to be written; 0 writes every change through at once
     */
    public WriteBehindCache(int capacity, int maxDirty, Store<K, V> store) {
        if (capacity < 0 || maxDirty < 0) {
            throw new IllegalArgumentException("capacity and maxDirty must be >= 0, were " + capacity + ", " + maxDirty);
        }
        this.capacity = capacity;
        this.maxDirty = Math.min(maxDirty, capacity); // a changed value waits in the cache, never outside it
        this.store = store;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<K, V>> eldest) {
                if (size() <= WriteBehindCache.this.capacity) {
                    return false;
                }
                writeIfDirty(eldest.getValue());
                return true;
            }
        };
    }

    /** The cached value, or null when the caller must read the store (then report it {@link #loaded}). */
    public V get(K key) {
        Entry<K, V> entry = entries.get(key);
        if (entry != null && entry.usedIn < interval - 1) {
            remove(key); // idle for a whole interval, so written back and clean: the store decides
            entry = null;
        }
        if (entry == null) {
            misses++;
            return null;
        }
        hits++;
        entry.usedIn = interval;
        recent = entry;
        return entry.value;
    }

    /** Caches a value just read from the store: it need not be written unless it changes. */
    public void loaded(K key, V value) throws IOException {
        if (capacity > 0) {
            recent = new Entry<>(key, value, interval);
            entries.put(key, recent);
            rethrowEvictionFailure();
        }
    }

    /** The key's new value: written now, or later while at most {@code maxDirty} changes wait. */
    public void put(K key, V value) throws IOException {
        Entry<K, V> entry = recent != null && recent.key.equals(key) ? recent
                : capacity == 0 ? null : entries.get(key);
        if (entry == null) {
            entry = new Entry<>(key, value, interval);
            if (capacity > 0) {
                recent = entry;
                entries.put(key, entry);
            }
        }
        entry.value = value;
        entry.usedIn = interval;
        if (!entry.dirty) {
            entry.dirty = true;
            dirty++;
            changes.addLast(entry);
        }
        while (dirty > maxDirty) {
            writeIfDirty(changes.pollFirst());
        }
        if (changes.size() > 2 * Math.max(dirty, 64)) { // entries evicted or written meanwhile
            changes.removeIf(e -> !e.dirty);
        }
        rethrowEvictionFailure();
    }

    /** Forgets the key without writing it: the caller has cleared it in the store. */
    public void remove(K key) {
        Entry<K, V> entry = entries.remove(key);
        if (entry == recent) {
            recent = null;
        }
        if (entry != null && entry.dirty) {
            entry.dirty = false;
            dirty--;
        }
    }

    /**
     * Writes every changed value to the store: after it the store holds every key's current value. Its cost
     * is the number of waiting changes, not the size of the cache.
     *
     * @return how many values were written
     */
    public int writeBack() throws IOException {
        int written = dirty;
        for (Entry<K, V> change : changes) {
            writeIfDirty(change);
        }
        changes.clear();
        interval++;
        rethrowEvictionFailure();
        return written;
    }

    /** A copy of the keys in the cache now, without touching their recency. */
    public java.util.List<K> keys() {
        return new java.util.ArrayList<>(entries.keySet());
    }

    public int size() {
        return entries.size();
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    /** LinkedHashMap's eviction hook cannot throw checked exceptions: a failure is kept and rethrown. */
    private void writeIfDirty(Entry<K, V> entry) {
        if (!entry.dirty) {
            return;
        }
        entry.dirty = false;
        dirty--;
        try {
            store.write(entry.key, entry.value);
        } catch (IOException e) {
            evictionFailure = e;
        }
    }

    private void rethrowEvictionFailure() throws IOException {
        if (evictionFailure != null) {
            IOException failure = evictionFailure;
            evictionFailure = null;
            throw failure;
        }
    }

    private static final class Entry<K, V> {
        final K key;
        V value;
        boolean dirty;
        /** The write-back interval of its last read or write. */
        long usedIn;

        Entry(K key, V value, long usedIn) {
            this.key = key;
            this.value = value;
            this.usedIn = usedIn;
        }
    }
}
