package io.nudgeflow.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fires on every event of type {@code event} (payment_failed). Offers the event's {@code value} and its
 * properties as {@code properties.NAME}; a trigger deferred by quiet hours is cancelled by any of
 * {@code cancelOn} (e.g. payment_succeeded).
 */
public record OnEventRule(RuleHeader header, String event, List<String> cancelOn) implements Rule {
    public static final String PROPERTY_PREFIX = "properties.";

    public OnEventRule {
        cancelOn = List.copyOf(cancelOn);
    }

    @Override
    public Set<String> variables() {
        return Set.of("value", PROPERTY_PREFIX + "*");
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        if (!facts.is(event) || !facts.withinTolerance()) {
            return null;
        }
        Event e = facts.event();
        Map<String, String> vars = new HashMap<>();
        vars.put("value", e.value() == null ? "" : Values.format(e.value()));
        e.properties().forEach((k, v) -> vars.put(PROPERTY_PREFIX + k, v));
        return Firing.of(vars);
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        return cancelOn.contains(facts.event().type()) && facts.event().time() >= deferred.dueAt();
    }
}
