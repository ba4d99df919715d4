package io.nudgeflow.domain;

/** Lifecycle stages of SPEC section 3 as a pure function of the user's state and the evaluation instant. */
final class Lifecycle {
    private Lifecycle() {}

    /**
     * The stage at {@code at}.
     *
     * @param activeNow an active event (within the late tolerance) is being applied at this evaluation
     */
    static Stage evaluate(UserState s, long at, boolean activeNow, RuleSet rules) {
        LifecycleSettings l = rules.lifecycle();
        Stage previous = s.stage;
        if (activeNow && (previous == Stage.DORMANT || previous == Stage.CHURNED)) {
            return Stage.RETURNING;
        }
        long inactiveFor = at - s.inactiveSince();
        if (inactiveFor >= l.churnedAfter().toMillis()) {
            return Stage.CHURNED;
        }
        if (inactiveFor >= l.dormantAfter().toMillis()) {
            return Stage.DORMANT;
        }
        if (previous == Stage.RETURNING && at < s.stageSince + l.returningFor().toMillis()) {
            return Stage.RETURNING;
        }
        if (s.checklistDone != rules.onboarding().completeMask()) {
            return Stage.NEW;
        }
        int days = activeDaysAt(s, at, l);
        // Onboarding needs active events, and a week without one is DORMANT, so an onboarded user
        // below the CASUAL minimum only happens with unusual thresholds: CASUAL is the floor.
        Stage activity = days >= l.highlyActiveMinActiveDays() ? Stage.HIGHLY_ACTIVE
                : days >= l.activeMinActiveDays() ? Stage.ACTIVE : Stage.CASUAL;
        // when RETURNING ends, the 72 h rule applies to the stage activity gives (SPEC 6)
        boolean engaged = wasEngaged(previous) || previous == Stage.RETURNING && activity != Stage.CASUAL;
        if (inactiveFor >= l.atRiskAfter().toMillis() && engaged) {
            return Stage.AT_RISK;
        }
        return activity;
    }

    /** Why the stage changed, for {@code SegmentChange.reason}. */
    static String reason(Stage from, Stage to, UserState s, long at, RuleSet rules) {
        LifecycleSettings l = rules.lifecycle();
        if (from == null) {
            return "first_sighting";
        }
        return switch (to) {
            case CHURNED -> "inactive_for_" + Durations.format(l.churnedAfter());
            case DORMANT -> "inactive_for_" + Durations.format(l.dormantAfter());
            case AT_RISK -> "inactive_for_" + Durations.format(l.atRiskAfter());
            case RETURNING -> "active_again_after_" + from.name().toLowerCase(java.util.Locale.ROOT);
            case NEW -> from == Stage.RETURNING ? "returning_period_ended" : "onboarding_incomplete";
            default -> from == Stage.NEW ? "onboarding_completed" : "active_days=" + activeDaysAt(s, at, l);
        };
    }

    /** The next instant strictly after the user's clock at which the stage may change by time alone. */
    static long nextDeadline(UserState s, RuleSet rules) {
        LifecycleSettings l = rules.lifecycle();
        long base = s.inactiveSince();
        long next = UserState.NONE;
        if (wasEngaged(s.stage) && s.stage != Stage.AT_RISK) {
            next = earliestAfter(s.clock, next, base + l.atRiskAfter().toMillis());
        }
        if (s.stage != Stage.DORMANT && s.stage != Stage.CHURNED) {
            next = earliestAfter(s.clock, next, base + l.dormantAfter().toMillis());
        }
        if (s.stage != Stage.CHURNED) {
            next = earliestAfter(s.clock, next, base + l.churnedAfter().toMillis());
        }
        if (s.stage == Stage.RETURNING) {
            next = earliestAfter(s.clock, next, s.stageSince + l.returningFor().toMillis());
        }
        return next;
    }

    /** The earlier of {@code current} and {@code candidate}, counting only instants after {@code clock}. */
    static long earliestAfter(long clock, long current, long candidate) {
        if (candidate == UserState.NONE || candidate <= clock) {
            return current;
        }
        return current == UserState.NONE ? candidate : Math.min(current, candidate);
    }

    private static boolean wasEngaged(Stage stage) {
        return stage == Stage.ACTIVE || stage == Stage.HIGHLY_ACTIVE || stage == Stage.AT_RISK;
    }

    private static int activeDaysAt(UserState s, long at, LifecycleSettings l) {
        return s.activeDaysInWindow(LocalCalendar.epochDay(at, s.zone), l.windowDays());
    }
}
