package io.nudgeflow.domain;

import java.time.LocalTime;
import java.util.Map;
import java.util.Set;

/**
 * Fires at {@code atLocal} on local day D when the streak ending on D-1 is at least {@code minStreak} days
 * and D has no active event yet. An active event on D moves the deadline to D+1. At most once for a day D,
 * even when a zone change moves its {@code atLocal} later.
 */
public record StreakAtRiskRule(RuleHeader header, LocalTime atLocal, int minStreak) implements Rule {

    @Override
    public Set<String> variables() {
        return Set.of("streak_days");
    }

    @Override
    public long nextDeadline(UserState user, RuleSet rules) {
        if (user.currentRun() < minStreak || user.hasFlag(UserState.FLAG_STREAK_NUDGED)) {
            return UserState.NONE;
        }
        long due = LocalCalendar.instantAt(user.activeDaysAnchor + 1L, atLocal, user.zone);
        return due > user.clock ? due : UserState.NONE;
    }

    @Override
    public Firing atDeadline(UserState user, long at, RuleSet rules) {
        user.setFlag(UserState.FLAG_STREAK_NUDGED);
        return Firing.of(Map.of("streak_days", Integer.toString(user.currentRun())));
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        // activity on day D or later: D is no longer without one (an earlier late event is not "in between")
        return facts.active() && facts.withinTolerance()
                && LocalCalendar.epochDay(facts.event().time(), user.zone) >= LocalCalendar.epochDay(deferred.dueAt(), user.zone);
    }
}
