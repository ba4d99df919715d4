package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Fires {@code within} after the latest {@code event} if no {@code followedBy} came since (cart_abandoned:
 * add_to_cart not followed by purchase within 1 h). Memory: the pending event's time and value, removed
 * when it is followed or when the rule fires; and the newest {@code followedBy} time while a late
 * {@code event} could still come before it (a late add_to_cart that a purchase already followed waits for
 * nothing).
 */
public record NotFollowedRule(RuleHeader header, String event, String followedBy, Duration within, int memoryKey,
        int followedKey) implements Rule {
    private static final long NO_VALUE = Long.MIN_VALUE;

    /** memoryKey, followedKey: derived slots (pending event; newest follow-up), hashed once here rather than per event */
    public NotFollowedRule(RuleHeader header, String event, String followedBy, Duration within) {
        this(header, event, followedBy, within, RuleMemory.key("pending:" + header.id()),
                RuleMemory.key("followed:" + header.id()));
    }

    @Override
    public Set<String> variables() {
        return Set.of("value");
    }

    @Override
    public Set<Integer> ownMemoryKeys() {
        return Set.of(memoryKey, followedKey);
    }

    private int key() {
        return memoryKey;
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        long[] pending = user.memory.get(key());
        Event e = facts.event();
        // an event before this instant can no longer start a wait (its moment passed): nor need its follow-up be known
        long horizon = user.clock - within.toMillis();
        long[] followed = user.memory.get(followedKey);
        if (followed != null && followed[0] < horizon) {
            user.memory.remove(followedKey);
            followed = null;
        }
        boolean stillAhead = e.time() > horizon; // else a late event missed its moment
        if (facts.is(event) && stillAhead && (pending == null || e.time() >= pending[0])
                && (followed == null || followed[0] < e.time())) {
            user.memory.put(key(), new long[] {e.time(), e.value() == null ? NO_VALUE : Double.doubleToLongBits(e.value())});
        } else if (facts.is(followedBy)) {
            if (pending != null && e.time() >= pending[0]) {
                user.memory.remove(key());
            }
            if (stillAhead && (followed == null || e.time() > followed[0])) {
                user.memory.put(followedKey, new long[] {e.time()});
            }
        }
        return null;
    }

    @Override
    public long nextDeadline(UserState user, RuleSet rules) {
        long[] pending = user.memory.get(key());
        if (pending == null) {
            return UserState.NONE;
        }
        long due = pending[0] + within.toMillis();
        return due > user.clock ? due : UserState.NONE;
    }

    @Override
    public Firing atDeadline(UserState user, long at, RuleSet rules) {
        long[] pending = user.memory.get(key());
        user.memory.remove(key());
        String value = pending[1] == NO_VALUE ? "" : Values.format(Double.longBitsToDouble(pending[1]));
        return Firing.of(Map.of("value", value));
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        // followed after the event it waited for (due = that event + within), not before it
        return facts.is(followedBy) && facts.event().time() >= deferred.dueAt() - within.toMillis();
    }
}
