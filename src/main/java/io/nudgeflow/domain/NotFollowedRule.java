package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Fires {@code within} after the latest {@code event} if no {@code followedBy} came since (cart_abandoned:
 * add_to_cart not followed by purchase within 1 h). Memory: the pending event's time and value, removed
 * when it is followed or when the rule fires.
 */
public record NotFollowedRule(RuleHeader header, String event, String followedBy, Duration within, int memoryKey)
        implements Rule {
    private static final long NO_VALUE = Long.MIN_VALUE;

    /** @param memoryKey derived: the slot of the pending event, hashed once here rather than on every event */
    public NotFollowedRule(RuleHeader header, String event, String followedBy, Duration within) {
        this(header, event, followedBy, within, RuleMemory.key("pending:" + header.id()));
    }

    @Override
    public Set<String> variables() {
        return Set.of("value");
    }

    private int key() {
        return memoryKey;
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        long[] pending = user.memory.get(key());
        Event e = facts.event();
        boolean stillAhead = e.time() + within.toMillis() > user.clock; // else a late event missed its moment
        if (facts.is(event) && stillAhead && (pending == null || e.time() >= pending[0])) {
            user.memory.put(key(), new long[] {e.time(), e.value() == null ? NO_VALUE : Double.doubleToLongBits(e.value())});
        } else if (facts.is(followedBy) && pending != null && e.time() >= pending[0]) {
            user.memory.remove(key());
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
        return facts.is(followedBy);
    }
}
