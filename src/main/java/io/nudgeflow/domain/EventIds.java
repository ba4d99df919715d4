package io.nudgeflow.domain;

/** A stable 64-bit hash of an event id (FNV-1a with a final mix): what the dedup set stores instead of the id. */
final class EventIds {
    private EventIds() {}

    static long hash(String eventId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            h ^= eventId.charAt(i);
            h *= 0x100000001b3L;
        }
        // murmur3 fmix64: spreads FNV's weak high bits
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
