package io.nudgeflow.domain;

import io.nudgeflow.rules.RuleSetParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Drives a {@link UserEngine} for one user and records what it decides. */
final class EngineFixture implements EngineOutput {
    static final long MONDAY_9AM = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    static final long MONDAY_10AM = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final String USER = "u1";

    final UserEngine engine;
    UserState state;
    final List<FiredTrigger> triggers = new ArrayList<>();
    final List<StageChange> changes = new ArrayList<>();
    final List<Outcome> outcomes = new ArrayList<>();
    final List<Event> duplicates = new ArrayList<>();
    final List<Event> late = new ArrayList<>();
    final List<Event> lateAfterDeadline = new ArrayList<>();
    final List<Event> idsForgotten = new ArrayList<>();
    private int seq;

    EngineFixture() {
        this(RuleSetParser.loadDefault());
    }

    EngineFixture(RuleSet rules) {
        engine = new UserEngine(rules);
    }

    static long plus(long t, Duration d) {
        return t + d.toMillis();
    }

    static long hours(long t, long h) {
        return t + Duration.ofHours(h).toMillis();
    }

    static long days(long t, long d) {
        return t + Duration.ofDays(d).toMillis();
    }

    EngineFixture event(String type, long time) {
        return event(type, time, null);
    }

    EngineFixture event(String type, long time, String zone) {
        return apply(new Event("e" + (seq++), USER, type, time, zone, null, Map.of()));
    }

    /** The wall clock for live-mode fixtures; replay (no wall clock) by default. */
    long wallNow = UserEngine.NO_WALL_CLOCK;

    EngineFixture apply(Event e) {
        state = engine.onEvent(state, e, wallNow, this);
        return this;
    }

    EngineFixture event(String type, long time, String zone, Double value, Map<String, String> properties) {
        return apply(new Event("e" + (seq++), USER, type, time, zone, value, properties));
    }

    List<FiredTrigger> suppressed() {
        return triggers.stream().filter(t -> t.suppressedReason() != null).toList();
    }

    List<FiredTrigger> emitted() {
        return triggers.stream().filter(t -> t.suppressedReason() == null).toList();
    }

    /** The onboarding checklist, one hour apart, ending at {@code time}. */
    EngineFixture onboardedAt(long time) {
        event("profile_completed", hours(time, -2));
        event("goal_set", hours(time, -1));
        return event("lesson_completed", time);
    }

    EngineFixture advanceTo(long time) {
        engine.advanceTo(state, USER, time, wallNow, this);
        return this;
    }

    /** The user's timer fired at {@code time}: the job's input has been read up to it. */
    EngineFixture timer(long time) {
        engine.onTimer(state, USER, time, wallNow, this);
        return this;
    }

    List<String> ruleIds() {
        return triggers.stream().map(FiredTrigger::ruleId).toList();
    }

    List<Stage> stages() {
        return changes.stream().map(StageChange::to).toList();
    }

    FiredTrigger only(String ruleId) {
        List<FiredTrigger> matching = triggers.stream().filter(t -> t.ruleId().equals(ruleId)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + ruleId + " trigger, got " + matching + " among " + ruleIds());
        }
        return matching.get(0);
    }

    @Override
    public void trigger(FiredTrigger trigger) {
        triggers.add(trigger);
    }

    @Override
    public void outcome(Outcome outcome) {
        outcomes.add(outcome);
    }

    @Override
    public void stageChange(StageChange change) {
        changes.add(change);
    }

    @Override
    public void duplicateIgnored(Event event) {
        duplicates.add(event);
    }

    @Override
    public void lateBeyondTolerance(Event event) {
        late.add(event);
    }

    @Override
    public void lateAfterDeadline(Event event) {
        lateAfterDeadline.add(event);
    }

    @Override
    public void recentIdForgotten(Event event) {
        idsForgotten.add(event);
    }

    /** An event with an id of the test's choosing: a redelivery carries the id of the original. */
    EngineFixture event(String id, String type, long time) {
        return apply(new Event(id, USER, type, time, null, null, Map.of()));
    }
}
