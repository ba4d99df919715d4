package io.nudgeflow.domain;

import java.util.List;
import java.util.Map;

/**
 * The engine: a deterministic function of (user state, event or instant, rules) to (state', outputs,
 * next deadline). No Flink, no wall clock: the caller says what time it is.
 *
 * <p>Before an event is applied, every deadline that falls before it is fired first ({@link #advanceTo}), so
 * a user's outputs depend only on that user's events in order and never on when a timer happened to fire.
 * That is what makes replay deterministic at any parallelism and lets the live job fire deadlines from
 * processing-time timers with the same code.
 */
public final class UserEngine {
    private final RuleSet rules;
    private final List<Rule> ruleList;
    private final long dedupWindowMs;
    private final long lateToleranceMs;
    /** Scratch space for the rules due at one deadline; the engine is used by one thread at a time. */
    private final boolean[] due;

    public UserEngine(RuleSet rules) {
        this.rules = rules;
        this.ruleList = rules.rules();
        this.dedupWindowMs = rules.dedupWindow().toMillis();
        this.lateToleranceMs = rules.lateTolerance().toMillis();
        this.due = new boolean[ruleList.size()];
    }

    public RuleSet rules() {
        return rules;
    }

    /**
     * Applies one event to a user.
     *
     * @param existing the user's state, or null at first sighting
     * @return the user's state after the event (a new object at first sighting, else {@code existing})
     */
    public UserState onEvent(UserState existing, Event event, EngineOutput out) {
        long idHash = EventIds.hash(event.eventId());
        UserState s;
        if (existing == null) {
            s = UserState.firstSighting(event);
        } else if (existing.seenRecently(idHash)) {
            out.duplicateIgnored(event);
            return existing;
        } else {
            s = existing;
            // Deadlines strictly before the event fire first. One at the event's very instant stays pending:
            // the event wins the tie (a lesson at exactly last lesson + 24 h is not "24 h inactive").
            advanceTo(s, event.userId(), event.time() - 1, out);
        }
        long now = Math.max(event.time(), s.clock);

        boolean withinTolerance = event.time() >= s.newestEventTime - lateToleranceMs;
        if (!withinTolerance) {
            out.lateBeyondTolerance(event);
        }
        if (event.time() >= s.newestEventTime) {
            s.newestEventTime = event.time();
            if (event.zone() != null) {
                s.zone = event.zone();
            }
        }
        boolean active = rules.isActive(event.type());
        if (active && withinTolerance) {
            s.markActiveDay(LocalCalendar.epochDay(event.time(), s.zone));
            s.lastActive = Math.max(s.lastActive, event.time());
        }
        boolean checklistCompleted = applyOnboarding(s, event);
        s.rememberId(idHash, event.time(), s.newestEventTime - dedupWindowMs);

        evaluateStage(s, event.userId(), now, active && withinTolerance, out);
        EventFacts facts = new EventFacts(event, active, withinTolerance, checklistCompleted);
        for (Rule rule : ruleList) {
            Map<String, String> variables = rule.firesOn(facts, s, rules);
            if (variables != null) {
                fire(rule, event.userId(), event.time(), event.eventId(), s, variables, out);
            }
        }
        return s;
    }

    /** Moves the user's clock forward to {@code to}, firing every deadline in (clock, to] in time order. */
    public void advanceTo(UserState s, String userId, long to, EngineOutput out) {
        while (true) {
            long at = nextDeadline(s);
            if (at == UserState.NONE || at > to) {
                break;
            }
            for (int i = 0; i < ruleList.size(); i++) {
                due[i] = ruleList.get(i).nextDeadline(s, rules) == at;
            }
            evaluateStage(s, userId, at, false, out);
            for (int i = 0; i < ruleList.size(); i++) {
                if (due[i]) {
                    Rule rule = ruleList.get(i);
                    fire(rule, userId, at, null, s, rule.deadlineVariables(s, at, rules), out);
                }
            }
            s.clock = at;
        }
        if (to > s.clock) {
            s.clock = to;
        }
    }

    /** The earliest instant after the user's clock at which a rule or the lifecycle is due, or NONE. */
    public long nextDeadline(UserState s) {
        long next = Lifecycle.nextDeadline(s, rules);
        for (Rule rule : ruleList) {
            next = Lifecycle.earliestAfter(s.clock, next, rule.nextDeadline(s, rules));
        }
        return next;
    }

    /** Marks the checklist step of this event; returns whether it completed the checklist just now. */
    private boolean applyOnboarding(UserState s, Event event) {
        OnboardingSettings onboarding = rules.onboarding();
        int complete = onboarding.completeMask();
        if (event.type().equals(onboarding.startEvent()) && !s.hasFlag(UserState.FLAG_START_EVENT_SEEN)) {
            // The first signup restarts the onboarding clock once, if it came after the first sighting.
            s.setFlag(UserState.FLAG_START_EVENT_SEEN);
            if (s.checklistDone != complete && event.time() > s.onboardingStart) {
                s.onboardingStart = event.time();
            }
        }
        int step = onboarding.stepIndex(event.type());
        if (step < 0) {
            return false;
        }
        boolean wasComplete = s.checklistDone == complete;
        s.checklistDone |= 1 << step;
        return !wasComplete && s.checklistDone == complete;
    }

    private void evaluateStage(UserState s, String userId, long at, boolean activeNow, EngineOutput out) {
        Stage next = Lifecycle.evaluate(s, at, activeNow, rules);
        if (next != s.stage) {
            out.stageChange(new StageChange(userId, s.stage, next, at, Lifecycle.reason(s.stage, next, s, at, rules)));
            s.stage = next;
            s.stageSince = at;
        }
    }

    private void fire(Rule rule, String userId, long at, String causeEventId, UserState s,
            Map<String, String> variables, EngineOutput out) {
        out.trigger(FiredTrigger.of(userId, rule, at, causeEventId, s.stage, rules.version(),
                rule.attributes().render(variables)));
    }
}
