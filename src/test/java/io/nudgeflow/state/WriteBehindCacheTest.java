package io.nudgeflow.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteBehindCacheTest {
    private final Map<String, Integer> store = new LinkedHashMap<>();
    private int writes;

    private WriteBehindCache<String, Integer> cache(int capacity) {
        return cache(capacity, capacity);
    }

    private WriteBehindCache<String, Integer> cache(int capacity, int maxDirty) {
        return new WriteBehindCache<>(capacity, maxDirty, (key, value) -> {
            writes++;
            store.put(key, value);
        });
    }

    @Test
    void changesReachTheStoreOnlyAtWriteBackAndOnlyOnceHoweverOftenTheyChanged() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10);
        for (int i = 1; i <= 5; i++) {
            cache.put("a", i);
        }
        assertThat(store).isEmpty();
        assertThat(cache.get("a")).isEqualTo(5);

        cache.writeBack();

        assertThat(store).containsExactly(Map.entry("a", 5));
        assertThat(writes).isEqualTo(1);
        cache.writeBack();
        assertThat(writes).as("clean now").isEqualTo(1);
    }

    @Test
    void theLeastRecentlyUsedLeavesFirstAndIsWrittenOnlyIfChanged() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(2);
        cache.loaded("clean", 1);
        cache.put("dirty", 2);
        cache.get("clean"); // now "dirty" is the least recently used

        cache.put("new", 3);

        assertThat(store).containsExactly(Map.entry("dirty", 2));
        assertThat(cache.get("dirty")).isNull();
        cache.put("newer", 4); // evicts "clean": unchanged, so not written
        assertThat(store).containsOnlyKeys("dirty");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void anEntryIdleForAWholeIntervalIsReadFromTheStoreAgain() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10);
        cache.put("idle", 1);
        cache.put("active", 1);
        cache.writeBack();

        cache.put("active", 2);
        cache.writeBack();

        assertThat(cache.get("idle")).as("idle for a whole interval: read from the store again").isNull();
        assertThat(cache.get("active")).isEqualTo(2);
        assertThat(store).containsExactly(Map.entry("idle", 1), Map.entry("active", 2));
    }

    @Test
    void aRemovedKeyIsNeverWrittenBack() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10);
        cache.put("erased", 1);
        cache.remove("erased");

        cache.writeBack();

        assertThat(store).isEmpty();
        assertThat(cache.get("erased")).isNull();
    }

    @Test
    void withoutCapacityEveryValueIsWrittenThroughAndNothingIsHeld() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(0);
        cache.loaded("a", 1);
        cache.put("a", 2);

        assertThat(store).containsExactly(Map.entry("a", 2));
        assertThat(cache.size()).isZero();
        assertThat(cache.get("a")).isNull();
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void aFailedWriteOnEvictionSurfacesToTheCaller() throws IOException {
        WriteBehindCache<String, Integer> cache = new WriteBehindCache<>(1, 1, (key, value) -> {
            throw new IOException("disk full");
        });
        cache.put("a", 1);

        assertThatThrownBy(() -> cache.put("b", 2)).isInstanceOf(IOException.class).hasMessage("disk full");
    }

    @Test
    void theOldestChangeIsWrittenWhenTooManyWait() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10, 2);
        cache.put("a", 1);
        cache.put("b", 1);
        cache.put("a", 2); // still one waiting change for "a"
        assertThat(store).isEmpty();

        cache.put("c", 1);

        assertThat(store).containsExactly(Map.entry("a", 2));
        assertThat(cache.get("a")).as("still cached, now clean").isEqualTo(2);
        assertThat(cache.writeBack()).isEqualTo(2);
        assertThat(store).containsOnlyKeys("a", "b", "c");
        assertThat(writes).isEqualTo(3);
    }

    @Test
    void withoutRoomForChangesReadsAreCachedAndEveryChangeIsWrittenThrough() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10, 0);
        cache.loaded("a", 1);
        cache.put("a", 2);

        assertThat(store).containsExactly(Map.entry("a", 2));
        assertThat(cache.get("a")).isEqualTo(2);
        assertThat(cache.writeBack()).isZero();
    }

    @Test
    void aKeyEvictedAfterItWasReadIsWrittenAgainInTheCacheNotBesideIt() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(1, 1);
        cache.loaded("a", 1);
        cache.get("a");
        cache.put("b", 1); // evicts "a"

        cache.put("a", 2);

        assertThat(cache.get("a")).isEqualTo(2);
        cache.writeBack();
        assertThat(store).containsEntry("a", 2);
    }

    @Test
    void aKeyWrittenAfterGoingStaleIsCachedAgain() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10);
        cache.loaded("a", 1);
        cache.writeBack();
        cache.writeBack();
        assertThat(cache.get("a")).as("stale").isNull();

        cache.put("a", 6); // e.g. the store had expired it: a new value, no load
        cache.writeBack();

        assertThat(store).containsExactly(Map.entry("a", 6));
        assertThat(cache.get("a")).isEqualTo(6);
    }

    @Test
    void countsHitsAndMisses() throws IOException {
        WriteBehindCache<String, Integer> cache = cache(10);
        cache.get("a");
        cache.put("a", 1);
        cache.get("a");
        cache.get("a");

        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(1);
    }
}
