package io.nudgeflow.domain;

import java.util.Arrays;

/**
 * The rules' own memory inside a user's record: a few slots of numbers under a 32-bit key derived from
 * a name such as {@code count:lesson_completed} or {@code pending:cart_abandoned}. Keys are names, not rule
 * positions, so a changed rule file still finds its counters. Most users have one or two slots.
 */
final class RuleMemory {
    private static final long[][] NO_VALUES = new long[0][];
    private static final int[] NO_KEYS = new int[0];

    private int[] keys = NO_KEYS;
    private long[][] values = NO_VALUES;
    private int size;

    static int key(String name) {
        return StableHash.hash32(name);
    }

    int size() {
        return size;
    }

    int keyAt(int i) {
        return keys[i];
    }

    long[] valuesAt(int i) {
        return values[i];
    }

    /** The slot's numbers, or null when absent. */
    long[] get(int key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    long counter(int key) {
        long[] v = get(key);
        return v == null ? 0 : v[0];
    }

    void setCounter(int key, long value) {
        long[] v = get(key);
        if (v != null && v.length == 1) {
            v[0] = value;
        } else {
            put(key, new long[] {value});
        }
    }

    void put(int key, long[] slot) {
        int i = indexOf(key);
        if (i >= 0) {
            values[i] = slot;
            return;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, Math.max(2, size * 2));
            values = Arrays.copyOf(values, Math.max(2, size * 2));
        }
        keys[size] = key;
        values[size] = slot;
        size++;
    }

    void remove(int key) {
        int i = indexOf(key);
        if (i < 0) {
            return;
        }
        size--;
        keys[i] = keys[size];
        values[i] = values[size];
        values[size] = null;
    }

    /** Drops every slot whose key is not in {@code keys}: the memory of rules that are gone. */
    void retainOnly(java.util.Set<Integer> keys) {
        for (int i = size - 1; i >= 0; i--) {
            if (!keys.contains(this.keys[i])) {
                remove(this.keys[i]);
            }
        }
    }

    private int indexOf(int key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RuleMemory other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!Arrays.equals(values[i], other.get(keys[i]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return size;
    }
}
