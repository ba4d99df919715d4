package io.nudgeflow.domain;

import java.util.Map;
import java.util.Set;

/**
 * Fires when the cumulative {@code value} of events of type {@code event} reaches {@code threshold}
 * (tiers and points: one point per unit of value). Sums are kept in hundredths, so cents add up exactly.
 */
public record CumulativeValueRule(RuleHeader header, String event, double threshold) implements Rule {

    /** A counter keeps counting events that arrive late: SPEC section 6. */
    @Override
    public boolean appliesToLateEvents() {
        return true;
    }

    @Override
    public Set<String> variables() {
        return Set.of("points", "total");
    }

    @Override
    public String summedEvent() {
        return event;
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        long limit = Math.round(threshold * 100);
        if (facts.is(event) && facts.sumBefore() < limit && limit <= facts.sumAfter()) {
            return Firing.of(Map.of(
                    "points", Long.toString(facts.sumAfter() / 100),
                    "total", Values.format(facts.sumAfter() / 100.0)));
        }
        return null;
    }
}
