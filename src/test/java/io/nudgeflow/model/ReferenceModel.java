package io.nudgeflow.model;

import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.Stage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deliberately simple reference model of SPEC sections 3-6 with the default rule set, for one user. It keeps
 * every event it accepted, with what was true when it arrived, and recomputes everything else from that history
 * at every step: no bitsets, no counters, no deadlines kept in state, no bounds, no pruning. The rule set is
 * written out here from the SPEC and the default rule file, not read from {@code RuleSet}.
 *
 * <p>Inputs are the keyed operator's: an event, or "the job's time reached T" (a timer; replay's end of input).
 * The model decides what the SPEC says a user is told, in the order the engine documents: at one instant the
 * stage change first, then the triggers in rule-file order, then releases of deferred triggers.
 */
final class ReferenceModel {
    static final long NONE = Long.MIN_VALUE;
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private static final Set<String> ACTIVE = Set.of("lesson_completed", "workout_completed", "quiz_passed",
            "quiz_failed", "feature_used", "add_to_cart", "purchase", "profile_completed", "goal_set", "comment", "like",
            "share");
    private static final List<String> CHECKLIST = List.of("profile_completed", "goal_set", "lesson_completed");
    private static final long DEDUP_WINDOW = 24 * HOUR;
    private static final long LATE_TOLERANCE = 24 * HOUR;
    private static final int CAP = 3;

    /** Rules in the default file's order: the order in which triggers of one instant are decided. */
    private static final List<String> RULE_ORDER = List.of("inactive_24h", "inactive_48h", "winback_30d", "streak_3",
            "streak_5", "streak_7", "streak_30", "streak_at_risk", "quiz_struggle", "feature_hesitation", "cart_abandoned",
            "onboarding_stalled", "payment_failed", "onboarding_completed", "lessons_10", "lessons_50", "lessons_100",
            "tier_silver", "tier_gold");
    private static final Map<String, Long> INACTIVITY = Map.of("inactive_24h", 24 * HOUR, "inactive_48h", 48 * HOUR,
            "winback_30d", 30 * DAY);
    private static final Map<String, Integer> STREAKS = Map.of("streak_3", 3, "streak_5", 5, "streak_7", 7, "streak_30", 30);
    private static final Map<String, Integer> LESSONS = Map.of("lessons_10", 10, "lessons_50", 50, "lessons_100", 100);
    private static final Map<String, Long> TIERS = Map.of("tier_silver", 100_00L, "tier_gold", 1000_00L);

    /** What the model says the user is told. */
    sealed interface Output {}

    record TriggerOut(String ruleId, long fireTime, String causeEventId, Stage stage, Map<String, String> attributes,
            String suppressedReason) implements Output {}

    record ChangeOut(Stage from, Stage to, long changeTime, String reason) implements Output {}

    /**
     * An accepted event and what was decided about it on arrival.
     *
     * @param seenAt the user's clock after it: its id is remembered for the dedup window from then
     * @param withinTolerance not older than the newest event before it by more than the late tolerance
     * @param activeDay the local day it made active (zone as known then), or null
     * @param cartRegistered an add_to_cart whose hour had not passed in the user's time when it came
     * @param movesOnboarding the first signup, come while onboarding_stalled had not fired
     */
    private record Received(Event event, long seenAt, boolean withinTolerance, Integer activeDay,
            boolean cartRegistered, boolean movesOnboarding) {}

    private record Deferred(String ruleId, long dueAt, long deferTo, String causeEventId, String group,
            Map<String, String> attributes) {}

    private final List<Received> history = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    /** Every deadline at or before it has been decided. */
    private long clock = NONE;
    /** The highest watermark seen. */
    private long jobTime = NONE;
    private Stage stage;
    private long stageSince;
    private final Set<Long> streakNudgedDays = new HashSet<>();
    private boolean onboardingNudged;
    private final Set<Long> cartsFired = new HashSet<>();
    private final List<Deferred> deferred = new ArrayList<>();
    private long capDay = NONE;
    private int capCount;
    /** Per rule and group: counted events at or before this instant no longer count (a reset, or a firing). */
    private final Map<String, Long> restartedAt = new TreeMap<>();

    List<Output> outputs() {
        return outputs;
    }

    // ------------------------------------------------------------------ inputs

    void event(Event e) {
        if (e.type().equals("user_erased")) {
            if (!history.isEmpty()) {
                advance(e.time() - 1);
            }
            forgetEverything();
            return;
        }
        boolean first = history.isEmpty();
        if (!first) {
            long keepFrom = userNow() - DEDUP_WINDOW;
            for (Received r : history) {
                if (r.event().eventId().equals(e.eventId()) && r.seenAt() >= keepFrom) {
                    return; // a duplicate: nothing happens, not even time
                }
            }
            advance(e.time() - 1);
            // an event moves the user's clock to just before it, deadline or not (a timer moves it only to one)
            clock = Math.max(clock, e.time() - 1);
        } else {
            clock = e.time() - 1;
        }
        long newestBefore = first ? e.time() : newest();
        boolean within = e.time() >= newestBefore - LATE_TOLERANCE;
        boolean active = ACTIVE.contains(e.type());
        long clockAtArrival = clock;
        boolean wasComplete = checklistComplete();
        long lessonsBefore = count("lesson_completed");
        long pointsBefore = purchaseHundredths();
        // the event's own zone counts for its own day when it is the newest zone by event time
        String zoneAfter = zoneWith(e);
        Integer day = active && within ? (int) epochDay(e.time(), zoneAfter) : null;
        List<Long> runsBefore = day == null ? null : runsAround(day);
        boolean cart = e.type().equals("add_to_cart") && e.time() + HOUR > clockAtArrival;
        boolean movesOnboarding = e.type().equals("signup") && !onboardingNudged
                && history.stream().noneMatch(r -> r.event().type().equals("signup"));
        long seenAt = Math.max(Math.max(newestBefore, e.time()), clock);
        history.add(new Received(e, seenAt, within, day, cart, movesOnboarding));

        long now = userNow();
        evaluateStage(now, active && within);
        cancelDeferred(e, within);
        for (String rule : RULE_ORDER) {
            if (rule.equals("onboarding_stalled")) {
                // a first signup that puts the onboarding deadline behind the user's clock: it fires at once
                if (movesOnboarding && !checklistComplete() && !onboardingNudged && e.time() + DAY <= clock) {
                    onboardingNudged = true;
                    decide(rule, now, e.eventId(), null, Map.of("next_step", nextStep()), now);
                }
                continue;
            }
            Map<String, String> attributes = onEvent(rule, e, within, wasComplete, lessonsBefore, pointsBefore, runsBefore);
            if (attributes != null) {
                decide(rule, e.time(), e.eventId(), groupOf(rule, e), attributes, now);
            }
        }
    }

    /**
     * The job's time has reached {@code to} (a watermark: it never goes back, a lower one says nothing new);
     * every deadline up to it is decided, in time order — also one a late event sets behind it later.
     */
    void timeReaches(long to) {
        jobTime = Math.max(jobTime, to);
        advance(jobTime);
    }

    /** Every deadline up to {@code to} is decided, in time order. */
    private void advance(long to) {
        if (history.isEmpty()) {
            return;
        }
        while (true) {
            long at = nextDeadline();
            if (at == NONE || at > to) {
                return;
            }
            List<String> due = new ArrayList<>();
            for (String rule : RULE_ORDER) {
                if (deadlineOf(rule) == at) {
                    due.add(rule);
                }
            }
            evaluateStage(at, false);
            for (String rule : due) {
                atDeadline(rule, at);
            }
            List<Deferred> released = deferred.stream().filter(d -> d.deferTo() == at).toList();
            deferred.removeAll(released);
            for (Deferred d : released) {
                emit(d.ruleId(), at, d.causeEventId(), d.attributes(), at);
            }
            clock = at;
        }
    }

    private void forgetEverything() {
        history.clear();
        clock = NONE;
        stage = null;
        stageSince = 0;
        streakNudgedDays.clear();
        onboardingNudged = false;
        cartsFired.clear();
        deferred.clear();
        capDay = NONE;
        capCount = 0;
        restartedAt.clear();
    }

    // ------------------------------------------------------------------ what the history says

    private long newest() {
        return history.stream().mapToLong(r -> r.event().time()).max().orElse(NONE);
    }

    private long userNow() {
        return Math.max(newest(), clock);
    }

    private long firstSeen() {
        return history.get(0).event().time();
    }

    private long lastActive() {
        return history.stream().filter(r -> r.activeDay() != null).mapToLong(r -> r.event().time()).max().orElse(NONE);
    }

    private long inactiveSince() {
        long last = lastActive();
        return last != NONE ? last : firstSeen();
    }

    /** The zone of the newest event by event time that carried one (ties: the later arrival); null is UTC. */
    private String zone() {
        return zoneWith(null);
    }

    private String zoneWith(Event extra) {
        String zone = null;
        long zoneTime = NONE;
        List<Event> events = new ArrayList<>(history.stream().map(Received::event).toList());
        if (extra != null) {
            events.add(extra);
        }
        for (Event e : events) {
            if (e.zone() != null && e.time() >= zoneTime) {
                zone = e.zone();
                zoneTime = e.time();
            }
        }
        return zone;
    }

    private boolean optedOut() {
        String newest = null;
        long newestTime = NONE;
        for (Received r : history) {
            String type = r.event().type();
            if ((type.equals("notifications_opt_out") || type.equals("notifications_opt_in")) && r.event().time() >= newestTime) {
                newest = type;
                newestTime = r.event().time();
            }
        }
        return "notifications_opt_out".equals(newest);
    }

    private TreeSet<Long> activeDays() {
        TreeSet<Long> days = new TreeSet<>();
        for (Received r : history) {
            if (r.activeDay() != null) {
                days.add((long) r.activeDay());
            }
        }
        return days;
    }

    /** Length of the run of consecutive active days ending on {@code day} (0 if it is not active). */
    private static long runEndingOn(Set<Long> days, long day) {
        long n = 0;
        while (days.contains(day - n)) {
            n++;
        }
        return n;
    }

    private static long runStartingOn(Set<Long> days, long day) {
        long n = 0;
        while (days.contains(day + n)) {
            n++;
        }
        return n;
    }

    /** Before a new active day: the runs just before and just after it, or null when the day is active already. */
    private List<Long> runsAround(long day) {
        TreeSet<Long> days = activeDays();
        if (days.contains(day)) {
            return null;
        }
        return List.of(runEndingOn(days, day - 1), runStartingOn(days, day + 1));
    }

    private boolean checklistComplete() {
        return nextStep() == null;
    }

    private String nextStep() {
        for (String step : CHECKLIST) {
            if (history.stream().noneMatch(r -> r.event().type().equals(step))) {
                return step;
            }
        }
        return null;
    }

    private long onboardingStart() {
        for (Received r : history) {
            if (r.movesOnboarding()) {
                return r.event().time();
            }
        }
        return firstSeen();
    }

    private long count(String type) {
        return history.stream().filter(r -> r.event().type().equals(type)).count();
    }

    private long purchaseHundredths() {
        long sum = 0;
        for (Received r : history) {
            if (r.event().type().equals("purchase") && r.event().value() != null) {
                sum += Math.round(r.event().value() * 100);
            }
        }
        return sum;
    }

    /** The add_to_cart still waiting for its hour: the newest registered one with no purchase at or after it. */
    private Received pendingCart() {
        Received latest = null;
        for (Received r : history) {
            if (r.cartRegistered() && (latest == null || r.event().time() >= latest.event().time())) {
                latest = r;
            }
        }
        if (latest == null || cartsFired.contains(latest.event().time())) {
            return null;
        }
        long at = latest.event().time();
        boolean followed = history.stream().anyMatch(r -> r.event().type().equals("purchase") && r.event().time() >= at);
        return followed ? null : latest;
    }

    // ------------------------------------------------------------------ deadlines

    private long nextDeadline() {
        long next = NONE;
        for (long candidate : lifecycleDeadlines()) {
            next = earliestAfterClock(next, candidate);
        }
        for (String rule : RULE_ORDER) {
            next = earliestAfterClock(next, deadlineOf(rule));
        }
        for (Deferred d : deferred) {
            next = earliestAfterClock(next, d.deferTo());
        }
        return next;
    }

    private long earliestAfterClock(long current, long candidate) {
        if (candidate == NONE || candidate <= clock) {
            return current;
        }
        return current == NONE ? candidate : Math.min(current, candidate);
    }

    private List<Long> lifecycleDeadlines() {
        long since = inactiveSince();
        List<Long> out = new ArrayList<>();
        if (stage == Stage.ACTIVE || stage == Stage.HIGHLY_ACTIVE) {
            out.add(since + 72 * HOUR);
        }
        if (stage != Stage.DORMANT && stage != Stage.CHURNED) {
            out.add(since + 7 * DAY);
        }
        if (stage != Stage.CHURNED) {
            out.add(since + 30 * DAY);
        }
        if (stage == Stage.RETURNING) {
            out.add(stageSince + 7 * DAY);
        }
        return out;
    }

    /** When a deadline rule is next due (after the clock, or NONE). */
    private long deadlineOf(String rule) {
        long due = NONE;
        if (INACTIVITY.containsKey(rule)) {
            long last = lastActive();
            due = last == NONE ? NONE : last + INACTIVITY.get(rule);
        } else if (rule.equals("streak_at_risk")) {
            TreeSet<Long> days = activeDays();
            if (!days.isEmpty() && runEndingOn(days, days.last()) >= 2 && !streakNudgedDays.contains(days.last() + 1)) {
                due = instantAt(days.last() + 1, LocalTime.of(20, 0), zone());
            }
        } else if (rule.equals("cart_abandoned")) {
            Received cart = pendingCart();
            due = cart == null ? NONE : cart.event().time() + HOUR;
        } else if (rule.equals("onboarding_stalled")) {
            due = onboardingNudged || checklistComplete() ? NONE : onboardingStart() + DAY;
        }
        return due > clock ? due : NONE;
    }

    private void atDeadline(String rule, long at) {
        Map<String, String> attributes;
        if (INACTIVITY.containsKey(rule)) {
            attributes = rule.equals("winback_30d") ? Map.of("offer", "discount_10")
                    : Map.of("hours_inactive", Long.toString((at - lastActive()) / HOUR));
        } else if (rule.equals("streak_at_risk")) {
            TreeSet<Long> days = activeDays();
            streakNudgedDays.add(days.last() + 1);
            attributes = Map.of("streak_days", Long.toString(runEndingOn(days, days.last())));
        } else if (rule.equals("cart_abandoned")) {
            Received cart = pendingCart();
            cartsFired.add(cart.event().time());
            attributes = cart.event().value() == null ? Map.of() : Map.of("cart_value", format(cart.event().value()));
        } else {
            onboardingNudged = true;
            attributes = Map.of("next_step", nextStep());
        }
        decide(rule, at, null, null, attributes, at);
    }

    // ------------------------------------------------------------------ event rules

    /** The attributes of the rule's firing on this event, or null when it does not fire. */
    private Map<String, String> onEvent(String rule, Event e, boolean within, boolean wasComplete, long lessonsBefore,
            long pointsBefore, List<Long> runsBefore) {
        if (STREAKS.containsKey(rule)) {
            if (runsBefore == null) {
                return null;
            }
            int n = STREAKS.get(rule);
            long reached = Math.max(runsBefore.get(0), runsBefore.get(1)); // crossed before, in one of the runs
            long now = runsBefore.get(0) + 1 + runsBefore.get(1);
            if (reached < n && n <= now) {
                return n == 5 ? Map.of("streak_days", "5", "badge", "consistency_streak") : Map.of("streak_days", Integer.toString(n));
            }
            return null;
        }
        if (rule.equals("quiz_struggle")) {
            return within ? repeated(rule, e, "quiz_failed", "quiz_passed", null, 3, 60 * MINUTE) : null;
        }
        if (rule.equals("feature_hesitation")) {
            return within ? repeated(rule, e, "feature_viewed", "feature_used", "feature", 3, DAY) : null;
        }
        if (rule.equals("payment_failed")) {
            if (!within || !e.type().equals("payment_failed")) {
                return null;
            }
            String reason = e.properties().get("reason");
            return reason == null || reason.isEmpty() ? Map.of() : Map.of("reason", reason);
        }
        if (rule.equals("onboarding_completed")) {
            return !wasComplete && checklistComplete() ? Map.of() : null;
        }
        if (LESSONS.containsKey(rule)) {
            int n = LESSONS.get(rule);
            return e.type().equals("lesson_completed") && lessonsBefore < n && n <= lessonsBefore + 1
                    ? Map.of("count", Integer.toString(n)) : null;
        }
        if (TIERS.containsKey(rule)) {
            long limit = TIERS.get(rule);
            long after = purchaseHundredths();
            if (e.type().equals("purchase") && pointsBefore < limit && limit <= after) {
                return Map.of("tier", rule.equals("tier_silver") ? "silver" : "gold", "points", Long.toString(after / 100));
            }
        }
        return null;
    }

    private static String groupOf(String rule, Event e) {
        return rule.equals("feature_hesitation") ? e.properties().get("feature") : null;
    }

    /**
     * The {@code count}-th counted event within {@code within} (all of them in one window of that length, the
     * new one among them) with no reset in between; the counted events up to the window's end then no longer
     * count. A reset (or a firing) at T makes every counted event at or before T not count.
     */
    private Map<String, String> repeated(String rule, Event e, String counted, String reset, String groupBy, int count,
            long within) {
        boolean isCounted = e.type().equals(counted);
        if (!isCounted && !e.type().equals(reset)) {
            return null;
        }
        String group = groupBy == null ? "" : e.properties().get(groupBy);
        if (group == null) {
            return null; // without the property the event is not part of any group
        }
        String key = rule + "\u0000" + group;
        long restarted = restartedAt.getOrDefault(key, NONE);
        if (!isCounted) {
            restartedAt.put(key, Math.max(restarted, e.time()));
            return null;
        }
        if (e.time() <= restarted) {
            return null;
        }
        List<Long> times = new ArrayList<>();
        for (Received r : history) {
            Event h = r.event();
            if (r.withinTolerance() && h.type().equals(counted) && h.time() > restarted
                    && group.equals(groupBy == null ? "" : h.properties().get(groupBy))) {
                times.add(h.time());
            }
        }
        times.sort(Long::compare);
        for (long end : times) {
            if (end < e.time() || end - within > e.time()) {
                continue;
            }
            long inWindow = times.stream().filter(t -> t >= end - within && t <= end).count();
            if (inWindow >= count) {
                restartedAt.put(key, end);
                return groupBy == null ? Map.of("failures", Integer.toString(count)) : Map.of("feature", group);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ guardrails

    /** Drops the deferred triggers whose reason this event removed, and that it came after. */
    private void cancelDeferred(Event e, boolean within) {
        boolean active = ACTIVE.contains(e.type());
        deferred.removeIf(d -> switch (d.ruleId()) {
            case "inactive_24h", "inactive_48h", "winback_30d" -> active && within
                    && e.time() > d.dueAt() - INACTIVITY.get(d.ruleId());
            case "streak_at_risk" -> active && within && epochDay(e.time(), zone()) >= epochDay(d.dueAt(), zone());
            case "cart_abandoned" -> e.type().equals("purchase") && e.time() >= d.dueAt() - HOUR;
            case "quiz_struggle" -> within && e.type().equals("quiz_passed") && e.time() >= d.dueAt() - 60 * MINUTE;
            case "feature_hesitation" -> within && e.type().equals("feature_used")
                    && d.group().equals(e.properties().get("feature")) && e.time() >= d.dueAt() - DAY;
            case "onboarding_stalled" -> checklistComplete();
            default -> false;
        });
    }

    /** Quiet hours: a re-engagement or nudge due between 22:00 and 08:00 local waits for 08:00. */
    private void decide(String rule, long dueAt, String cause, String group, Map<String, String> attributes, long decidedAt) {
        boolean quietKind = RULE_ORDER.indexOf(rule) <= RULE_ORDER.indexOf("payment_failed") && !STREAKS.containsKey(rule);
        if (quietKind) {
            LocalTime local = Instant.ofEpochMilli(dueAt).atZone(zoneId(zone())).toLocalTime();
            if (!local.isBefore(LocalTime.of(22, 0)) || local.isBefore(LocalTime.of(8, 0))) {
                long day = epochDay(dueAt, zone()) + (local.isBefore(LocalTime.of(8, 0)) ? 0 : 1);
                long release = instantAt(day, LocalTime.of(8, 0), zone());
                if (release > clock) {
                    defer(new Deferred(rule, dueAt, release, cause, group, attributes));
                } else { // its 08:00 is already behind the user's clock: out now
                    emit(rule, userNow(), cause, attributes, decidedAt);
                }
                return;
            }
        }
        emit(rule, dueAt, cause, attributes, decidedAt);
    }

    /**
     * One waiting trigger per rule, group and release, the later due time (then the greater cause id) staying
     * in the earlier one's place; at most 32 in all, the earliest due time going first.
     */
    private void defer(Deferred d) {
        Comparator<Deferred> newestLast = Comparator.comparingLong(Deferred::dueAt)
                .thenComparing(Deferred::causeEventId, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Deferred::ruleId)
                .thenComparing(Deferred::group, Comparator.nullsFirst(Comparator.naturalOrder()));
        for (int i = 0; i < deferred.size(); i++) {
            Deferred waiting = deferred.get(i);
            if (waiting.ruleId().equals(d.ruleId()) && waiting.deferTo() == d.deferTo()
                    && Objects.equals(waiting.group(), d.group())) {
                if (newestLast.compare(d, waiting) > 0) {
                    deferred.set(i, d);
                }
                return;
            }
        }
        deferred.add(d);
        if (deferred.size() > 32) {
            deferred.remove(Collections.min(deferred, newestLast));
        }
    }

    /** Consent, then the day's cap (the local day of the user's clock at the decision; it never goes back). */
    private void emit(String rule, long fireTime, String cause, Map<String, String> attributes, long decidedAt) {
        String suppressed = null;
        if (optedOut()) {
            suppressed = "OPTED_OUT";
        } else {
            long day = Math.max(capDay, epochDay(decidedAt, zone()));
            if (day != capDay) {
                capDay = day;
                capCount = 0;
            }
            if (capCount >= CAP) {
                suppressed = "FREQUENCY_CAP";
            } else {
                capCount++;
            }
        }
        outputs.add(new TriggerOut(rule, fireTime, cause, stage, new TreeMap<>(attributes), suppressed));
    }

    // ------------------------------------------------------------------ lifecycle

    private void evaluateStage(long at, boolean activeNow) {
        Stage next = stageAt(at, activeNow);
        if (next != stage) {
            outputs.add(new ChangeOut(stage, next, at, reason(stage, next, at)));
            stage = next;
            stageSince = at;
        }
    }

    private Stage stageAt(long at, boolean activeNow) {
        if (activeNow && (stage == Stage.DORMANT || stage == Stage.CHURNED)) {
            return Stage.RETURNING;
        }
        long inactiveFor = at - inactiveSince();
        if (inactiveFor >= 30 * DAY) {
            return Stage.CHURNED;
        }
        if (inactiveFor >= 7 * DAY) {
            return Stage.DORMANT;
        }
        if (stage == Stage.RETURNING && at < stageSince + 7 * DAY) {
            return Stage.RETURNING;
        }
        if (!checklistComplete()) {
            return Stage.NEW;
        }
        long days = activeDaysInWindow(at);
        Stage activity = days >= 12 ? Stage.HIGHLY_ACTIVE : days >= 4 ? Stage.ACTIVE : Stage.CASUAL;
        boolean engaged = stage == Stage.ACTIVE || stage == Stage.HIGHLY_ACTIVE || stage == Stage.AT_RISK
                || stage == Stage.RETURNING && activity != Stage.CASUAL;
        if (inactiveFor >= 72 * HOUR && engaged) {
            return Stage.AT_RISK;
        }
        return activity;
    }

    private long activeDaysInWindow(long at) {
        long today = epochDay(at, zone());
        return activeDays().stream().filter(d -> d > today - 28 && d <= today).count();
    }

    private String reason(Stage from, Stage to, long at) {
        if (from == null) {
            return "first_sighting";
        }
        return switch (to) {
            case CHURNED -> "inactive_for_30d";
            case DORMANT -> "inactive_for_7d";
            case AT_RISK -> "inactive_for_72h";
            case RETURNING -> "active_again_after_" + from.name().toLowerCase(java.util.Locale.ROOT);
            case NEW -> from == Stage.RETURNING ? "returning_period_ended" : "onboarding_incomplete";
            default -> from == Stage.NEW ? "onboarding_completed" : "active_days=" + activeDaysInWindow(at);
        };
    }

    // ------------------------------------------------------------------ calendar

    private static ZoneId zoneId(String zone) {
        return zone == null ? ZoneOffset.UTC : ZoneId.of(zone);
    }

    static long epochDay(long instant, String zone) {
        return Instant.ofEpochMilli(instant).atZone(zoneId(zone)).toLocalDate().toEpochDay();
    }

    private static long instantAt(long epochDay, LocalTime time, String zone) {
        return LocalDate.ofEpochDay(epochDay).atTime(time).atZone(zoneId(zone)).toInstant().toEpochMilli();
    }

    private static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
