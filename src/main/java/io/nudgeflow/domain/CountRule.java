package io.nudgeflow.domain;

import java.util.Map;
import java.util.Set;

/** Fires on the {@code count}-th (distinct, i.e. not deduplicated away) event of type {@code event}. */
public record CountRule(RuleHeader header, String event, long count) implements Rule {

    /** A counter keeps counting events that arrive late: SPEC section 6. */
    @Override
    public boolean appliesToLateEvents() {
        return true;
    }

    @Override
    public Set<String> variables() {
        return Set.of("count");
    }

    @Override
    public String countedEvent() {
        return event;
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        if (facts.is(event) && facts.countBefore() < count && count <= facts.countAfter()) {
            return Firing.of(Map.of("count", Long.toString(count)));
        }
        return null;
    }
}
