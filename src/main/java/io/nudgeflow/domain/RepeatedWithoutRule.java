package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Fires on the {@code count}-th event of type {@code event} within {@code within} with no {@code resetOn}
 * event in between; the count then restarts. With {@code groupBy}, events are counted per value of that
 * property and a reset only clears its own group (feature_hesitation: the same feature viewed three times
 * without being used).
 *
 * <p>Memory: one slot of (group hash, time) pairs, pruned to the window on every counted event and capped
 * at {@link #MAX_PAIRS} pairs, so it stays small whatever the user does.
 */
public record RepeatedWithoutRule(RuleHeader header, String event, int count, Duration within, String resetOn,
        String groupBy, int memoryKey) implements Rule {

    public static final int MAX_PAIRS = 32;

    /** @param memoryKey derived: the slot of recent events, hashed once here rather than on every event */
    public RepeatedWithoutRule(RuleHeader header, String event, int count, Duration within, String resetOn, String groupBy) {
        this(header, event, count, within, resetOn, groupBy, RuleMemory.key("recent:" + header.id()));
    }

    @Override
    public Set<String> variables() {
        return Set.of("count", "group");
    }

    private int key() {
        return memoryKey;
    }

    private String groupOf(Event e) {
        return groupBy == null ? null : e.properties().getOrDefault(groupBy, "");
    }

    private static long groupHash(String group) {
        return group == null ? 0 : StableHash.hash64(group);
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        Event e = facts.event();
        if (facts.is(resetOn)) {
            long[] pairs = user.memory.get(key());
            if (pairs != null) {
                store(user, groupBy == null ? new long[0] : without(pairs, groupHash(groupOf(e)), Long.MIN_VALUE));
            }
            return null;
        }
        if (!facts.is(event)) {
            return null;
        }
        String group = groupOf(e);
        long g = groupHash(group);
        long[] pairs = user.memory.get(key());
        pairs = pairs == null ? new long[0] : without(pairs, Long.MIN_VALUE, e.time() - within.toMillis());
        int inGroup = 1;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == g) {
                inGroup++;
            }
        }
        if (inGroup >= count) {
            store(user, without(pairs, g, Long.MIN_VALUE));
            return new Firing(Map.of("count", Integer.toString(count), "group", group == null ? "" : group), group);
        }
        long[] more = Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = g;
        more[pairs.length + 1] = e.time();
        if (more.length > 2 * MAX_PAIRS) {
            more = Arrays.copyOfRange(more, more.length - 2 * MAX_PAIRS, more.length);
        }
        store(user, more);
        return null;
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        return facts.is(resetOn) && (groupBy == null || groupOf(facts.event()).equals(deferred.group()));
    }

    /** The pairs without those of group {@code dropGroup} and without those older than {@code keepFrom}. */
    private static long[] without(long[] pairs, long dropGroup, long keepFrom) {
        long[] kept = new long[pairs.length];
        int n = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] != dropGroup && pairs[i + 1] >= keepFrom) {
                kept[n++] = pairs[i];
                kept[n++] = pairs[i + 1];
            }
        }
        return Arrays.copyOf(kept, n);
    }

    private void store(UserState user, long[] pairs) {
        if (pairs.length == 0) {
            user.memory.remove(key());
        } else {
            user.memory.put(key(), pairs);
        }
    }
}
