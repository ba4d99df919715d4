package io.nudgeflow.domain;

/**
 * One stable 64-bit string hash (FNV-1a over the chars, then murmur3's fmix64 to spread FNV's weak high
 * bits) for everything that must hash the same on every machine and in every run: dedup ids, rule-memory
 * keys, group keys, experiment arms. Never {@code String.hashCode}: too narrow, and it is not a contract.
 */
final class StableHash {
    private StableHash() {}

    static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static int hash32(String s) {
        long h = hash64(s);
        return (int) (h ^ (h >>> 32));
    }

    /** A point in [0, 1), uniform over strings. */
    static double unitInterval(String s) {
        return (hash64(s) >>> 11) * 0x1.0p-53;
    }
}
