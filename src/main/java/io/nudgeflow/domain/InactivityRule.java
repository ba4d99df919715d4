package io.nudgeflow.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Fires at the last active event + {@code after}, if no active event came since (once per inactivity period). */
public record InactivityRule(RuleHeader header, Duration after) implements Rule {

    @Override
    public Set<String> variables() {
        return Set.of("hours_inactive", "days_inactive");
    }

    @Override
    public long nextDeadline(UserState user, RuleSet rules) {
        if (user.lastActive == UserState.NONE) {
            return UserState.NONE;
        }
        long due = user.lastActive + after.toMillis();
        return due > user.clock ? due : UserState.NONE;
    }

    @Override
    public Firing atDeadline(UserState user, long at, RuleSet rules) {
        long inactiveMs = at - user.lastActive;
        return Firing.of(Map.of(
                "hours_inactive", Long.toString(inactiveMs / 3_600_000L),
                "days_inactive", Long.toString(inactiveMs / LocalCalendar.DAY_MS)));
    }

    @Override
    public boolean cancels(DeferredTrigger deferred, EventFacts facts, UserState user, RuleSet rules) {
        // activity after the one it counted from: the user was not inactive for that long after all
        return facts.active() && facts.withinTolerance() && facts.event().time() > deferred.dueAt() - after.toMillis();
    }
}
