package io.nudgeflow.domain;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine: a deterministic function of (user state, event or instant, rules, wall clock) to
 * (state', outputs, next deadline). No Flink and no clock of its own: the caller says what time it is.
 *
 * <p>Before an event is applied, every deadline that falls strictly before it is fired first
 * ({@link #advanceTo}), so a user's outputs depend only on that user's events in order and never on when a
 * timer happened to fire: a timer ({@link #onTimer}) at an instant no later than the user's next event fires
 * exactly what that event would have fired first. That is what makes replay deterministic at any parallelism
 * and the live job equal to replay while no event arrives after a deadline of its user that already fired.
 * The wall clock decides only whether a deadline trigger is still worth sending (staleness), never what
 * happens to the user's state.
 */
public final class UserEngine {
    /** Pass as {@code wallNow} in replay: there is no wall clock, so nothing is stale. */
    public static final long NO_WALL_CLOCK = UserState.NONE;

    private RulesTimeline timeline;
    /** The timeline's entries prepared for use, by seq; rebuilt on a switch, keeping those still in it. */
    private Map<Integer, CompiledRules> compiled = new HashMap<>();

    // The rule set the current step is decided by ({@link #use}): one entry of the timeline.
    private CompiledRules current;
    private RuleSet rules;
    private List<Rule> ruleList;
    private Map<String, Rule> ruleById;
    private Guardrails guardrails;
    private long dedupWindowMs;
    private long lateToleranceMs;
    private Map<String, Integer> counterKeys;
    private Map<String, Integer> sumKeys;
    private boolean[] due;

    public UserEngine(RuleSet rules) {
        this(RulesTimeline.of(rules));
    }

    public UserEngine(RulesTimeline timeline) {
        switchTo(timeline);
    }

    /**
     * From now on users are decided along {@code timeline}: each instant of a user's time by the rule set in
     * force then. Users' states move to a newer rule set as their time reaches it (see {@link #enter}).
     */
    public void switchTo(RulesTimeline next) {
        Map<Integer, CompiledRules> prepared = new HashMap<>();
        for (RulesTimeline.Entry e : next.entries()) {
            CompiledRules known = compiled.get(e.seq());
            prepared.put(e.seq(), known != null && known.rules == e.rules() ? known : new CompiledRules(e));
        }
        this.timeline = next;
        this.compiled = prepared;
        use(prepared.get(next.latest().seq()));
    }

    public RulesTimeline timeline() {
        return timeline;
    }

    /** The newest rule set (what a status reports as active). */
    public RuleSet rules() {
        return timeline.latest().rules();
    }

    private CompiledRules compiledAt(long instant) {
        return compiled.get(timeline.at(instant).seq());
    }

    private void use(CompiledRules c) {
        current = c;
        rules = c.rules;
        ruleList = c.ruleList;
        ruleById = c.ruleById;
        guardrails = c.guardrails;
        dedupWindowMs = c.dedupWindowMs;
        lateToleranceMs = c.lateToleranceMs;
        counterKeys = c.counterKeys;
        sumKeys = c.sumKeys;
        due = c.due;
    }

    /**
     * Decides the user by {@code c} from now on. When the user was last decided by another rule set, what only
     * that one needed goes: the memory of rules that are gone (counters no rule reads, cooldowns, pending
     * events) and triggers of removed rules waiting for the end of quiet hours. What the state holds for every
     * rule set — active days, last activity, the onboarding checklist, consent, the cap — stays.
     */
    private void enter(UserState s, CompiledRules c) {
        use(c);
        if (s.ruleSetSeq == c.seq) {
            return;
        }
        // through every rule set in between, even one the user's time crossed without anything due: a rule
        // removed and added again starts from nothing
        List<RulesTimeline.Entry> entries = timeline.entries();
        int from = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).seq() == s.ruleSetSeq) {
                from = i + 1;
            }
        }
        for (int i = from; i < entries.size(); i++) {
            CompiledRules passed = compiled.get(entries.get(i).seq());
            s.memory.retainOnly(passed.memoryKeys);
            if (!s.deferred.isEmpty()) {
                List<DeferredTrigger> kept = new ArrayList<>();
                for (DeferredTrigger d : s.deferred) {
                    if (passed.ruleById.containsKey(d.ruleId())) {
                        kept.add(d);
                    }
                }
                s.deferred = kept.isEmpty() ? List.of() : kept;
            }
            if (passed == c) {
                break;
            }
        }
        s.ruleSetSeq = c.seq;
    }

    /**
     * Applies one event to a user.
     *
     * @param existing the user's state, or null at first sighting
     * @param wallNow the wall clock (live) for the staleness guardrail, or {@link #NO_WALL_CLOCK} (replay)
     * @return the user's state after the event (a new object at first sighting, else {@code existing}), or
     *     null when the event erased the user
     */
    public UserState onEvent(UserState existing, Event event, long wallNow, EngineOutput out) {
        use(compiledAt(existing == null ? event.time() : Math.max(existing.userNow(), event.time())));
        if (event.type().equals(guardrails.erasureEvent())) {
            if (existing != null) {
                // SPEC 5: what fell due before the erasure's time fires first, as for any event — and as it
                // would have live, had the job's time reached it before the erasure arrived
                advanceTo(existing, event.userId(), event.time() - 1, wallNow, out);
            }
            out.erased(event);
            return null;
        }
        long idHash = StableHash.hash64(event.eventId());
        UserState s;
        if (existing == null) {
            s = UserState.firstSighting(event);
        } else if (existing.seenRecently(idHash, dedupWindowMs)) {
            out.duplicateIgnored(event);
            return existing;
        } else {
            s = existing;
            if (s.decidedPast(event.time())) {
                // a deadline of this user at or after the event's time has already fired: what fired stands
                out.lateAfterDeadline(event);
            }
            // Deadlines strictly before the event fire first. One at the event's very instant stays pending:
            // the event wins the tie (a lesson at exactly last lesson + 24 h is not "24 h inactive").
            advanceTo(s, event.userId(), event.time() - 1, wallNow, out);
        }
        // the rule set in force at the user's time once this event is applied (a late event: the newest one's)
        enter(s, compiledAt(Math.max(s.userNow(), event.time())));

        boolean withinTolerance = event.time() >= s.newestEventTime - lateToleranceMs;
        if (!withinTolerance) {
            out.lateBeyondTolerance(event);
        }
        s.newestEventTime = Math.max(s.newestEventTime, event.time());
        // SPEC 2 and 5: the zone and the consent of the newest event by event time, however late others come
        if (event.zone() != null && event.time() >= s.zoneTime) {
            s.zone = event.zone();
            s.zoneTime = event.time();
        }
        applyConsent(s, event);
        boolean active = rules.isActive(event.type());
        convertOutcomes(s, event, active, out);
        int streakReachedBefore = 0;
        int streakAfter = 0;
        if (active && withinTolerance) {
            int day = LocalCalendar.epochDay(event.time(), s.zone);
            if (!s.isActiveDay(day)) {
                // a late day may join two runs: every length up to the longer of them was celebrated already
                int before = s.runEndingOn(day - 1);
                int after = s.runStartingOn(day + 1);
                streakReachedBefore = Math.max(before, after);
                streakAfter = before + 1 + after;
                s.markActiveDay(day);
            }
            s.lastActive = Math.max(s.lastActive, event.time());
        }
        // counters and sums (in hundredths) of the types the rules read, shared by all of them
        Integer countKey = counterKeys.get(event.type());
        long countBefore = valueOf(s, countKey);
        long countAfter = add(s, countKey, 1);
        // Math.round saturates (a value of 1e300 is Long.MAX_VALUE hundredths), and so does the sum
        long amount = event.value() == null ? 0 : Math.round(event.value() * 100);
        Integer sumKey = sumKeys.get(event.type());
        long sumBefore = valueOf(s, sumKey);
        long sumAfter = add(s, sumKey, amount);
        boolean wasComplete = s.checklistDone == rules.onboarding().completeMask();
        boolean onboardingRestarted = applyOnboarding(s, event);
        boolean checklistCompleted = !wasComplete && s.checklistDone == rules.onboarding().completeMask();
        if (s.rememberId(idHash, dedupWindowMs) > 0) {
            out.recentIdForgotten(event);
        }

        // a change caused by a late event is stamped with the user's clock, never before what is known (SPEC 6)
        long now = s.userNow();
        evaluateStage(s, event.userId(), now, active && withinTolerance, out);
        EventFacts facts = new EventFacts(event, active, withinTolerance, checklistCompleted, onboardingRestarted,
                streakReachedBefore, streakAfter, countBefore, countAfter, sumBefore, sumAfter, now);
        cancelDeferred(s, facts, out);
        for (Rule rule : ruleList) {
            if (withinTolerance || rule.appliesToLateEvents()) {
                Firing firing = rule.onEvent(facts, s, rules);
                if (firing != null) {
                    long at = firing.at() != UserState.NONE ? firing.at() : event.time();
                    decide(s, event.userId(), rule, at, event.eventId(), firing, false, now, wallNow, out);
                }
            }
        }
        return s;
    }

    /** Moves the user's clock forward to {@code to}, firing every deadline in (clock, to] in time order. */
    void advanceTo(UserState s, String userId, long to, long wallNow, EngineOutput out) {
        fireDeadlines(s, userId, to, wallNow, out);
        if (to > s.clock) {
            s.clock = to;
        }
        forgetIdsOutsideWindow(s);
    }

    /**
     * The user's timer at {@code at} fired: the input has been read up to that instant. Fires every deadline
     * up to it, like an event just after it would; the clock moves only as far as the last deadline that
     * fired, so an event that arrives later but happened before {@code at} finds the user as replay would,
     * unless a deadline it would have changed has already fired. A timer set early (activity pushed the
     * deadline later) thus decides and moves nothing.
     */
    public void onTimer(UserState s, String userId, long at, long wallNow, EngineOutput out) {
        s.wakeAt = UserState.NONE; // spent: the next reschedule sets the next one
        fireDeadlines(s, userId, at, wallNow, out);
        forgetIdsOutsideWindow(s);
    }

    /** The user's timer is gone without deciding anything; the next reschedule sets a new one. */
    public void timerGone(UserState s) {
        s.wakeAt = UserState.NONE;
    }

    private void fireDeadlines(UserState s, String userId, long to, long wallNow, EngineOutput out) {
        while (true) {
            long ruleAt = ruleDeadline(s);
            long at = Lifecycle.earliestAfter(s.clock, ruleAt, earliestWindowEnd(s));
            if (at == UserState.NONE || at > to) {
                return;
            }
            RulesTimeline.Entry entry = timeline.at(at);
            if (entry.seq() != s.ruleSetSeq && entry.effectiveFrom() != Long.MIN_VALUE && entry.effectiveFrom() - 1 > s.clock) {
                // the user's time reaches a switch: nothing of the previous rule set was due before it
                s.clock = entry.effectiveFrom() - 1;
            }
            enter(s, compiled.get(entry.seq()));
            endOutcomeWindows(s, userId, at, out);
            if (ruleAt == at) {
                // only here: a window's end is no moment of the user's lifecycle, so stage changes come when they did
                // before outcomes were followed
                for (int i = 0; i < ruleList.size(); i++) {
                    due[i] = ruleList.get(i).nextDeadline(s, rules) == at;
                }
                evaluateStage(s, userId, at, false, out);
                for (int i = 0; i < ruleList.size(); i++) {
                    if (due[i]) {
                        Rule rule = ruleList.get(i);
                        Firing firing = rule.atDeadline(s, at, rules);
                        if (firing != null) {
                            decide(s, userId, rule, at, null, firing, true, at, wallNow, out);
                        }
                    }
                }
                releaseDeferred(s, userId, at, wallNow, out);
            }
            s.clock = at;
        }
    }

    /** An idle user's clock still moves at deadlines: ids older than the dedup window go then, not never. */
    private void forgetIdsOutsideWindow(UserState s) {
        s.forgetIdsBefore(s.userNow() - dedupWindowMs);
    }

    /** How the user's one timer must move: cancel one (or NONE) and set one (or NONE). */
    public record TimerMove(long cancel, long set) {
        public static final TimerMove NONE = new TimerMove(UserState.NONE, UserState.NONE);
    }

    /**
     * Keeps the user's one timer no later than their next deadline, moving it only when it must: while a
     * timer is pending at or before the next deadline it stays (activity usually pushes deadlines later;
     * the early timer then fires, finds nothing due and is set again), so most events touch no timer.
     * A pending timer may lie before the user's clock (the user's own events moved it on while the job's
     * time had not reached the timer yet); it still fires, decides nothing and is set again.
     */
    public TimerMove reschedule(UserState s) {
        long next = nextDeadline(s);
        long pending = s.wakeAt;
        if (pending != UserState.NONE && (next == UserState.NONE || next >= pending)) {
            return TimerMove.NONE;
        }
        s.wakeAt = next;
        return next == UserState.NONE && pending == UserState.NONE ? TimerMove.NONE : new TimerMove(pending, next);
    }

    /** The timer to cancel when a user is erased. */
    public TimerMove forget(UserState erased) {
        boolean pending = erased != null && erased.wakeAt != UserState.NONE;
        return pending ? new TimerMove(erased.wakeAt, UserState.NONE) : TimerMove.NONE;
    }

    /**
     * The earliest instant after the user's clock at which a rule, a deferred trigger or the lifecycle is due,
     * each instant by the rule set in force then: what the previous rule set had due at or after a switch is
     * the next one's to decide. A deadline the next rule set would have had before its switch never comes
     * (a new or shortened rule does not fire for what lay before it existed). When the switch changes the
     * lifecycle or onboarding settings so that the user's stage differs under them, the switch itself is due.
     */
    public long nextDeadline(UserState s) {
        return Lifecycle.earliestAfter(s.clock, ruleDeadline(s), earliestWindowEnd(s));
    }

    /** The earliest end of an open outcome window after the user's clock (windows follow no rule set). */
    private static long earliestWindowEnd(UserState s) {
        long next = UserState.NONE;
        for (OpenOutcome o : s.outcomes) {
            next = Lifecycle.earliestAfter(s.clock, next, o.windowEnd());
        }
        return next;
    }

    /** The next deadline of the rules, deferred triggers and the lifecycle, without outcome windows. */
    private long ruleDeadline(UserState s) {
        List<RulesTimeline.Entry> entries = timeline.entries();
        long clock = s.clock;
        int i = timeline.indexAt(clock + 1);
        CompiledRules previous = compiled.get(entries.get(i).seq());
        long next = nextDeadlineUnder(previous, s);
        try {
            for (int j = i + 1; j < entries.size(); j++) {
                long from = entries.get(j).effectiveFrom();
                if (next != UserState.NONE && next < from) {
                    break;
                }
                CompiledRules following = compiled.get(entries.get(j).seq());
                s.clock = from - 1;
                next = nextDeadlineUnder(following, s);
                if (following.stageSettingsDiffer(previous)
                        && Lifecycle.evaluate(s, from, false, following.rules) != s.stage) {
                    next = from;
                }
                previous = following;
            }
        } finally {
            s.clock = clock;
        }
        return next;
    }

    private static long nextDeadlineUnder(CompiledRules c, UserState s) {
        long next = Lifecycle.nextDeadline(s, c.rules);
        for (Rule rule : c.ruleList) {
            next = Lifecycle.earliestAfter(s.clock, next, rule.nextDeadline(s, c.rules));
        }
        for (DeferredTrigger d : s.deferred) {
            if (c.ruleById.containsKey(d.ruleId())) {
                next = Lifecycle.earliestAfter(s.clock, next, d.deferTo());
            }
        }
        return next;
    }

    /**
     * Adds to a memory counter and returns its new value; without a key (nobody reads it), returns 0 + amount.
     * Saturating: a sum that would pass Long.MAX_VALUE stays there instead of wrapping round to a negative
     * number (which would cross a threshold again).
     */
    private static long add(UserState s, Integer key, long amount) {
        long before = valueOf(s, key);
        long after = before + amount;
        if (((before ^ after) & (amount ^ after)) < 0) { // overflow: the sign of both operands differs from the result's
            after = amount > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        if (key != null) {
            s.memory.setCounter(key, after);
        }
        return after;
    }

    private static long valueOf(UserState s, Integer key) {
        return key == null ? 0 : s.memory.counter(key);
    }

    /** The newest consent event by event time decides (equal times: the later arrival). */
    private void applyConsent(UserState s, Event event) {
        boolean optOut = event.type().equals(guardrails.optOutEvent());
        if (!optOut && !event.type().equals(guardrails.optInEvent()) || event.time() < s.consentTime) {
            return;
        }
        s.consentTime = event.time();
        if (optOut) {
            s.setFlag(UserState.FLAG_OPTED_OUT);
        } else {
            s.clearFlag(UserState.FLAG_OPTED_OUT);
        }
    }

    /**
     * Marks the checklist step of this event (whatever its lateness). The first start event (signup) moves the
     * onboarding clock to its own time, earlier or later, while onboarding_stalled has not fired (SPEC 6).
     *
     * @return whether the onboarding clock moved
     */
    private boolean applyOnboarding(UserState s, Event event) {
        OnboardingSettings onboarding = rules.onboarding();
        boolean restarted = false;
        if (event.type().equals(onboarding.startEvent()) && !s.hasFlag(UserState.FLAG_START_EVENT_SEEN)) {
            s.setFlag(UserState.FLAG_START_EVENT_SEEN);
            if (!s.hasFlag(UserState.FLAG_ONBOARDING_NUDGED)) {
                s.onboardingStart = event.time();
                restarted = true;
            }
        }
        int step = onboarding.stepIndex(event.type());
        if (step >= 0) {
            s.checklistDone |= 1 << step;
        }
        return restarted;
    }

    private void evaluateStage(UserState s, String userId, long at, boolean activeNow, EngineOutput out) {
        Stage next = Lifecycle.evaluate(s, at, activeNow, rules);
        if (next != s.stage) {
            out.stageChange(new StageChange(userId, s.stage, next, at, Lifecycle.reason(s.stage, next, s, at, rules)));
            s.stage = next;
            s.stageSince = at;
        }
    }

    /** Drops deferred triggers whose reason this event removed (or whose rule no longer exists). */
    private void cancelDeferred(UserState s, EventFacts facts, EngineOutput out) {
        if (s.deferred.isEmpty()) {
            return;
        }
        List<DeferredTrigger> kept = new ArrayList<>();
        for (DeferredTrigger d : s.deferred) {
            Rule rule = ruleById.get(d.ruleId());
            if (rule != null && !rule.cancels(d, facts, s, rules)) {
                kept.add(d);
            } else {
                out.deferredCancelled(facts.event().userId(), d, facts.event());
            }
        }
        s.deferred = kept.isEmpty() ? List.of() : kept;
    }

    private void releaseDeferred(UserState s, String userId, long at, long wallNow, EngineOutput out) {
        if (s.deferred.isEmpty()) {
            return;
        }
        List<DeferredTrigger> waiting = new ArrayList<>();
        for (DeferredTrigger d : s.deferred) {
            Rule rule = ruleById.get(d.ruleId());
            if (d.deferTo() != at) {
                waiting.add(d);
            } else if (rule != null) {
                emit(s, userId, rule, at, d.causeEventId(), d.variables(), true, at, wallNow, out);
            }
        }
        s.deferred = waiting.isEmpty() ? List.of() : waiting;
    }

    /**
     * A rule fired at {@code dueAt}: apply its cooldown and quiet hours, then emit.
     *
     * @param decidedAt the user's clock when it was decided: the day its frequency cap counts against
     */
    private void decide(UserState s, String userId, Rule rule, long dueAt, String causeEventId, Firing firing,
            boolean deadline, long decidedAt, long wallNow, EngineOutput out) {
        if (rule.header().cooldown() != null) {
            int key = CompiledRules.cooldownKey(rule);
            long[] last = s.memory.get(key);
            if (last != null && dueAt < last[0] + rule.header().cooldown().toMillis()) {
                return;
            }
            s.memory.put(key, new long[] {dueAt});
        }
        if (guardrails.quietStart() != null && guardrails.quietKinds().contains(rule.kind())) {
            LocalTime local = LocalCalendar.localTime(dueAt, s.zone);
            if (inQuietHours(local)) {
                long deferTo = quietHoursEnd(dueAt, local, s.zone);
                if (deferTo > s.clock) {
                    DeferredTrigger waiting = new DeferredTrigger(rule.id(), dueAt, deferTo,
                            causeEventId, firing.group(), new java.util.TreeMap<>(firing.variables()));
                    UserState.Deferral deferral = s.addDeferred(waiting);
                    out.deferred(userId, waiting);
                    if (deferral != UserState.Deferral.WAITING) {
                        out.deferredTriggerDiscarded(userId, rule.id(), deferral == UserState.Deferral.REPLACED);
                    }
                    return;
                }
                // a late event whose quiet hours are over in the user's timeline: out at once, at the user's clock
                emit(s, userId, rule, s.userNow(), causeEventId, firing.variables(), deadline, decidedAt, wallNow, out);
                return;
            }
        }
        emit(s, userId, rule, dueAt, causeEventId, firing.variables(), deadline, decidedAt, wallNow, out);
    }

    /**
     * The guardrails at emission, in order: opted out, holdout, frequency cap — decided from the user's
     * events alone, as replay decides them — and last staleness, which only relabels a deadline trigger that
     * would have gone out: it still counts against the day's cap, so the state after it is replay's.
     *
     * <p>The cap counts against the local day of {@code decidedAt} (SPEC 5: what the person experiences), and
     * that day never goes back: a zone change westwards does not reopen a day already counted.
     */
    private void emit(UserState s, String userId, Rule rule, long fireTime, String causeEventId,
            Map<String, String> variables, boolean deadline, long decidedAt, long wallNow, EngineOutput out) {
        Experiment experiment = rule.header().experiment();
        Experiment.Assignment arm = experiment == null ? null : experiment.assign(userId);
        AttributeTemplate template = rule.attributes();
        if (arm != null && arm.variant() != null) {
            template = template.plus(arm.variant().attributes());
        }
        String suppressed = null;
        if (s.hasFlag(UserState.FLAG_OPTED_OUT)) {
            suppressed = "OPTED_OUT";
        } else if (arm != null && arm.holdout()) {
            suppressed = "HOLDOUT";
        } else if (guardrails.frequencyCapPerLocalDay() > 0) {
            int day = LocalCalendar.epochDay(decidedAt, s.zone);
            if (day > s.capDay) {
                s.capDay = day;
                s.capCount = 0;
            }
            if (s.capCount >= guardrails.frequencyCapPerLocalDay()) {
                suppressed = "FREQUENCY_CAP";
            } else {
                s.capCount++;
            }
        }
        if (suppressed == null && deadline && wallNow != NO_WALL_CLOCK
                && wallNow - fireTime > guardrails.staleAfter().toMillis()) {
            suppressed = "STALE";
        }
        FiredTrigger trigger = FiredTrigger.of(userId, rule, fireTime, causeEventId, s.stage,
                arm == null || arm.variant() == null ? null : arm.variant().name(), rules.version(),
                template.render(variables), suppressed);
        out.trigger(trigger);
        followOutcome(s, rule.header().goal(), trigger, out);
    }

    /**
     * Opens the trigger's outcome window when its rule has a goal and the trigger went out or was held back as
     * the experiment's control (HOLDOUT). A STALE one (live only) is followed as sent, because replay, which knows
     * no staleness, sent it: the state and the outcome stay replay's (staleness never changes state); its trigger
     * id on suppressed-triggers tells it apart. Opted-out and capped triggers reached nobody and are no arm of
     * anything: not followed.
     */
    private void followOutcome(UserState s, Goal goal, FiredTrigger t, EngineOutput out) {
        String reason = "STALE".equals(t.suppressedReason()) ? null : t.suppressedReason();
        if (goal == null || reason != null && !reason.equals("HOLDOUT")) {
            return;
        }
        OpenOutcome window = new OpenOutcome(t.triggerId(), t.ruleId(), t.variant(), reason, t.fireTime(),
                t.fireTime() + goal.within().toMillis(), t.ruleSetVersion(), goal.events());
        if (window.windowEnd() <= s.clock) {
            // fired at the clock of a late event whose window the user's time has passed already: over at once
            out.outcome(window.notConverted(t.userId(), Outcome.End.WINDOW_ENDED, t.fireTime()));
            return;
        }
        OpenOutcome closed = s.openOutcome(window);
        if (closed != null) {
            out.outcome(closed.notConverted(t.userId(), Outcome.End.TOO_MANY_OPEN, t.fireTime()));
        }
    }

    /**
     * The event reaches the goal of every window open around its time: strictly after the trigger (its own cause
     * does not count) and no later than the window's end — a late event within a window still open counts.
     */
    private static void convertOutcomes(UserState s, Event event, boolean active, EngineOutput out) {
        if (s.outcomes.isEmpty()) {
            return;
        }
        long t = event.time();
        for (OpenOutcome o : s.closeOutcomes(o -> t > o.fireTime() && t <= o.windowEnd()
                && Goal.reachedBy(o.goalEvents(), event.type(), active))) {
            out.outcome(o.converted(event.userId(), t, event.eventId()));
        }
    }

    /** Windows ending at or before {@code at} close without their goal. */
    private static void endOutcomeWindows(UserState s, String userId, long at, EngineOutput out) {
        if (s.outcomes.isEmpty()) {
            return;
        }
        for (OpenOutcome o : s.closeOutcomes(o -> o.windowEnd() <= at)) {
            out.outcome(o.notConverted(userId, Outcome.End.WINDOW_ENDED, o.windowEnd()));
        }
    }

    private boolean inQuietHours(LocalTime t) {
        LocalTime start = guardrails.quietStart();
        LocalTime end = guardrails.quietEnd();
        return start.isBefore(end)
                ? !t.isBefore(start) && t.isBefore(end)
                : !t.isBefore(start) || t.isBefore(end);
    }

    /** The next end of quiet hours after an instant inside them, in the user's zone. */
    private long quietHoursEnd(long at, LocalTime local, String zone) {
        long day = LocalCalendar.epochDay(at, zone);
        boolean wrapsMidnight = guardrails.quietEnd().isBefore(guardrails.quietStart());
        if (wrapsMidnight && !local.isBefore(guardrails.quietStart())) {
            day++;
        }
        return LocalCalendar.instantAt(day, guardrails.quietEnd(), zone);
    }
}
