package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Fires on the {@code count}-th event of type {@code event} within {@code within} with no {@code resetOn}
 * event in between; the count then restarts. With {@code groupBy}, events are counted per value of that
 * property, a reset only clears its own group, and events without the property take no part (SPEC 6).
 *
 * <p>In event time, as events may come late: the counted events must all lie in one span of {@code within},
 * the new one among them; a reset at T, and a firing whose span ends at T, make every counted event of the
 * group at or before T no longer count — so a late failure completing a triple that a known quiz_passed
 * followed gives no nudge, and a late quiz_passed does not wipe failures that came after it.
 *
 * <p>Memory: a slot of (group hash, time) pairs of the events that still count, and a slot of (group hash,
 * restart instant) pairs. Both keep only what a future event within the late tolerance could still meet,
 * each at most {@link #MAX_PAIRS} pairs (the oldest go first), so they stay small whatever the user does.
 */
public record RepeatedWithoutRule(RuleHeader header, String event, int count, Duration within, String resetOn,
        String groupBy, int memoryKey, int restartKey) implements Rule {

    public static final int MAX_PAIRS = 32;

    /** @param memoryKey derived: the slots, hashed once here rather than on every event */
    public RepeatedWithoutRule(RuleHeader header, String event, int count, Duration within, String resetOn, String groupBy) {
        this(header, event, count, within, resetOn, groupBy, RuleMemory.key("recent:" + header.id()),
                RuleMemory.key("restart:" + header.id()));
    }

    @Override
    public Set<String> variables() {
        return Set.of("count", "group");
    }

    @Override
    public Set<Integer> ownMemoryKeys() {
        return Set.of(memoryKey, restartKey);
    }

    /** The event's group: "" without grouping, null when the event lacks the property it is grouped by. */
    private String groupOf(Event e) {
        return groupBy == null ? "" : e.properties().get(groupBy);
    }

    private static long groupHash(String group) {
        return group.isEmpty() ? 0 : StableHash.hash64(group);
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        boolean counted = facts.is(event);
        if (!counted && !facts.is(resetOn)) {
            return null;
        }
        String group = groupOf(facts.event());
        if (group == null) {
            return null;
        }
        long g = groupHash(group);
        long t = facts.event().time();
        // what a future event within the late tolerance can still meet: nothing before this
        long horizon = user.newestEventTime - rules.lateTolerance().toMillis() - within.toMillis();
        long[] pairs = pruned(user.memory.get(memoryKey), horizon);
        long[] restarts = pruned(user.memory.get(restartKey), horizon);
        long restartedAt = valueOf(restarts, g);
        if (!counted) { // a reset: what came before it no longer counts
            if (t > restartedAt) {
                restarts = with(restarts, g, t);
                pairs = withoutGroupUpTo(pairs, g, t);
            }
            store(user, pairs, restarts);
            return null;
        }
        if (t <= restartedAt) {
            store(user, pairs, restarts);
            return null; // a reset (or a firing) already followed it
        }
        long[] times = timesOf(pairs, g, t);
        long end = completedSpanEnd(times, t);
        if (end == UserState.NONE) {
            store(user, append(pairs, g, t), restarts);
            return null;
        }
        store(user, withoutGroupUpTo(pairs, g, end), with(restarts, g, end));
        return new Firing(Map.of("count", Integer.toString(count), "group", group), groupBy == null ? null : group);
    }

    /**
     * The earliest end of a span of {@code within} that holds {@code count} of the sorted {@code times}, {@code t}
     * among them; NONE when there is none.
     */
    private long completedSpanEnd(long[] times, long t) {
        long span = within.toMillis();
        for (int j = 0; j < times.length; j++) {
            long end = times[j];
            if (end < t || end - span > t) {
                continue;
            }
            int inSpan = 0;
            for (long x : times) {
                if (x >= end - span && x <= end) {
                    inSpan++;
                }
            }
            if (inSpan >= count) {
                return end;
            }
        }
        return UserState.NONE;
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        if (!facts.is(resetOn) || !facts.withinTolerance()) {
            return false;
        }
        String group = groupOf(facts.event());
        return group != null && (groupBy == null || group.equals(deferred.group()))
                && facts.event().time() >= deferred.dueAt() - within.toMillis(); // not before the span it fired for
    }

    /** The counting group's times, with {@code t}, sorted. */
    private static long[] timesOf(long[] pairs, long g, long t) {
        long[] times = new long[pairs.length / 2 + 1];
        int n = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == g) {
                times[n++] = pairs[i + 1];
            }
        }
        times[n++] = t;
        times = Arrays.copyOf(times, n);
        Arrays.sort(times);
        return times;
    }

    private static long valueOf(long[] pairs, long g) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == g) {
                return pairs[i + 1];
            }
        }
        return UserState.NONE;
    }

    /** The pairs with {@code g} set to {@code value} (one pair per group). */
    private static long[] with(long[] pairs, long g, long value) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == g) {
                long[] copy = pairs.clone();
                copy[i + 1] = value;
                return copy;
            }
        }
        return append(pairs, g, value);
    }

    /** Appends a pair; past {@link #MAX_PAIRS} the oldest (first) pairs go. */
    private static long[] append(long[] pairs, long g, long value) {
        long[] more = Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = g;
        more[pairs.length + 1] = value;
        return more.length > 2 * MAX_PAIRS ? Arrays.copyOfRange(more, more.length - 2 * MAX_PAIRS, more.length) : more;
    }

    private static long[] withoutGroupUpTo(long[] pairs, long g, long upTo) {
        return kept(pairs, (group, time) -> group != g || time > upTo);
    }

    /** The pairs without those before {@code horizon}. */
    private static long[] pruned(long[] pairs, long horizon) {
        return pairs == null ? new long[0] : kept(pairs, (group, time) -> time >= horizon);
    }

    private interface PairFilter {
        boolean keeps(long group, long time);
    }

    /** The pairs the filter keeps, in order; the same array when it keeps them all. */
    private static long[] kept(long[] pairs, PairFilter filter) {
        long[] kept = new long[pairs.length];
        int n = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (filter.keeps(pairs[i], pairs[i + 1])) {
                kept[n++] = pairs[i];
                kept[n++] = pairs[i + 1];
            }
        }
        return n == pairs.length ? pairs : Arrays.copyOf(kept, n);
    }

    private void store(UserState user, long[] pairs, long[] restarts) {
        put(user, memoryKey, pairs);
        put(user, restartKey, restarts);
    }

    private static void put(UserState user, int key, long[] pairs) {
        if (pairs.length == 0) {
            user.memory.remove(key);
        } else {
            user.memory.put(key, pairs);
        }
    }
}
