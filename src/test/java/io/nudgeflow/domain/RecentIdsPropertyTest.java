package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The dedup ring with its hash index (used from {@link RecentIds#INDEX_FROM} ids on) against a plain list:
 * random adds (with repeated hashes), lookups and forgetting, across the index's builds, its rebuilds and the
 * 4,096 bound.
 */
class RecentIdsPropertyTest {
    private record Id(long hash, long seenAt) {}

    @Property(tries = 200)
    void answersAsAListOfTheIdsWould(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12_000) int operations) {
        SplittableRandom random = new SplittableRandom(seed);
        RecentIds ids = new RecentIds();
        Deque<Id> model = new ArrayDeque<>();
        long now = 0;
        int largest = 0;
        int forgetShare = random.nextBoolean() ? 2 : 0; // percent of operations; without forgetting the bound is reached
        int pool = 1 + random.nextInt(random.nextBoolean() ? 50 : 100_000); // few hashes: many repeats
        for (int op = 0; op < operations; op++) {
            now += random.nextInt(3);
            long hash = random.nextInt(pool) * 0x9E3779B97F4A7C15L;
            int what = random.nextInt(100);
            if (what < 70) {
                int evicted = ids.add(hash, now);
                model.addLast(new Id(hash, now));
                int expected = 0;
                if (model.size() > RecentIds.MAX) {
                    model.removeFirst();
                    expected = 1;
                }
                assertThat(evicted).isEqualTo(expected);
            } else if (what < 100 - forgetShare) {
                long keepFrom = now - random.nextInt(2_000);
                boolean expected = model.stream().anyMatch(i -> i.hash() == hash && i.seenAt() >= keepFrom);
                assertThat(ids.contains(hash, keepFrom)).as("op %d", op).isEqualTo(expected);
            } else {
                long keepFrom = now - random.nextInt(random.nextBoolean() ? 50 : 5_000);
                ids.forgetBefore(keepFrom);
                model.removeIf(i -> i.seenAt() < keepFrom);
            }
            assertThat(ids.size()).isEqualTo(model.size());
            largest = Math.max(largest, model.size());
        }
        net.jqwik.api.statistics.Statistics.label("most ids kept").collect(
                largest < RecentIds.INDEX_FROM ? "scanned only" : largest < RecentIds.MAX ? "indexed" : "at the bound");
    }
}
