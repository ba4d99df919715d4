package io.nudgeflow.domain;

import java.util.Map;
import java.util.Set;

/**
 * Fires on the first active event of the local day on which the run of consecutive active local days
 * reaches {@code days}; again only after the run broke and reached it anew. A late event whose day joins two
 * runs fires only the lengths neither of them had reached (SPEC 6): those were celebrated already.
 */
public record StreakRule(RuleHeader header, int days) implements Rule {

    @Override
    public Set<String> variables() {
        return Set.of("streak_days");
    }

    @Override
    public Firing onEvent(EventFacts facts, UserState user, RuleSet rules) {
        if (facts.streakReachedBefore() < days && days <= facts.streakAfter()) {
            return Firing.of(Map.of("streak_days", Integer.toString(days)));
        }
        return null;
    }
}
