package io.nudgeflow.explain;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.DeferredTrigger;
import io.nudgeflow.domain.EngineOutput;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.Outcome;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import io.nudgeflow.io.ByteLines;
import io.nudgeflow.io.EventIntake;
import io.nudgeflow.io.EventValidator;
import io.nudgeflow.io.JsonEventDecoder;
import io.nudgeflow.io.RawEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One user's story as replay decides it, step by step: their events, stage changes, every trigger (sent,
 * suppressed by which guardrail, deferred by quiet hours, cancelled), and outcomes. It runs the same engine
 * over the same lines in the same order as replay (a user's events in file order, then the deadlines up to
 * {@code until}), so what it says fired is exactly what replay writes for the user.
 */
public final class UserTimeline {
    /** One line of the story; {@code at} orders them (ties: the order the engine decided them in). */
    public record Entry(long at, Kind kind, String text, FiredTrigger trigger, Outcome outcome) {}

    public enum Kind { EVENT, IGNORED, STAGE, TRIGGER, SUPPRESSED, DEFERRED, CANCELLED, OUTCOME, ERASED }

    /** The story and how much of the file was about this user. */
    public record Story(String userId, List<Entry> entries, int events, int badLines) {
        public List<FiredTrigger> triggers() {
            return entries.stream().filter(e -> e.trigger() != null).map(Entry::trigger).toList();
        }

        public List<Outcome> outcomes() {
            return entries.stream().filter(e -> e.outcome() != null).map(Entry::outcome).toList();
        }
    }

    private UserTimeline() {}

    public static Story of(Path events, String userId, RulesTimeline rules, long until) throws IOException {
        EventIntake intake = new EventIntake(new JsonEventDecoder(), EventValidator.replay(), ClockScale.REAL);
        UserEngine engine = new UserEngine(rules);
        Recorder out = new Recorder(rules);
        UserState state = null;
        int mine = 0;
        int bad = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(events))) {
            ByteLines lines = new ByteLines(in);
            for (byte[] line = lines.next(); line != null; line = lines.next()) {
                RawEvent raw = new RawEvent();
                raw.value = line;
                raw.offset = lines.number();
                intake.check(raw, System.currentTimeMillis());
                if (raw.event == null) {
                    bad++;
                    continue;
                }
                Event e = raw.event;
                if (!e.userId().equals(userId)) {
                    continue;
                }
                mine++;
                boolean late = state != null && e.time() < state.clock();
                out.add(e.time(), Kind.EVENT, e.eventId() + " " + e.type() + " (" + (engine.timeline().at(e.time()).rules()
                        .isActive(e.type()) ? "active" : "passive") + (late ? ", arrived late: the user's time was "
                        + Instant.ofEpochMilli(state.clock() + 1) : "") + ", line " + raw.offset + ")", null, null);
                state = engine.onEvent(state, e, UserEngine.NO_WALL_CLOCK, out);
            }
        }
        if (state != null && until != Long.MIN_VALUE) {
            engine.onTimer(state, userId, until, UserEngine.NO_WALL_CLOCK, out); // replay's end: deadlines up to --until
        }
        List<Entry> sorted = new ArrayList<>(out.entries);
        sorted.sort(Comparator.comparingLong(Entry::at)); // stable: ties keep the engine's order
        return new Story(userId, sorted, mine, bad);
    }

    /** The story as text, one line per entry. */
    public static List<String> lines(Story story) {
        List<String> text = new ArrayList<>();
        for (Entry e : story.entries()) {
            text.add(String.format("%-24s  %-10s  %s", Instant.ofEpochMilli(e.at()), e.kind().name().toLowerCase(), e.text()));
        }
        return text;
    }

    /** Collects what the engine decides for the user, worded for support. */
    private static final class Recorder implements EngineOutput {
        private final RulesTimeline rules;
        final List<Entry> entries = new ArrayList<>();

        Recorder(RulesTimeline rules) {
            this.rules = rules;
        }

        void add(long at, Kind kind, String text, FiredTrigger trigger, Outcome outcome) {
            entries.add(new Entry(at, kind, text, trigger, outcome));
        }

        @Override
        public void trigger(FiredTrigger t) {
            String head = t.ruleId() + " (" + t.kind() + (t.variant() == null ? "" : ", variant " + t.variant())
                    + ", stage " + t.stage() + ", rules " + t.ruleSetVersion() + ") " + t.attributes()
                    + (t.causeEventId() == null ? "" : " caused by " + t.causeEventId()) + " id " + t.triggerId();
            if (t.suppressedReason() == null) {
                add(t.fireTime(), Kind.TRIGGER, "SENT " + head, t, null);
            } else {
                add(t.fireTime(), Kind.SUPPRESSED, t.suppressedReason() + ": " + why(t) + " — " + head, t, null);
            }
        }

        /** The guardrail behind a suppressed reason, in the rule set's own numbers. */
        private String why(FiredTrigger t) {
            RuleSet set = rules.at(t.fireTime()).rules();
            return switch (t.suppressedReason()) {
                case "OPTED_OUT" -> "the user opted out (" + set.guardrails().optOutEvent() + ", and no "
                        + set.guardrails().optInEvent() + " since)";
                case "HOLDOUT" -> "the user is in the holdout of the rule's experiment: held back to measure the others";
                case "FREQUENCY_CAP" -> "already " + set.guardrails().frequencyCapPerLocalDay()
                        + " triggers sent on the user's local day (frequency_cap_per_local_day)";
                case "STALE" -> "decided more than " + set.guardrails().staleAfter() + " after its fire time";
                default -> t.suppressedReason();
            };
        }

        @Override
        public void outcome(Outcome o) {
            String arm = o.holdout() ? "holdout" : o.variant() == null ? "" : "variant " + o.variant() + ", ";
            String text = o.ruleId() + " (" + arm + (o.holdout() ? ", " : "") + "trigger " + o.triggerId() + "): "
                    + (o.converted() ? "CONVERTED by " + o.convertingEventId() + " after "
                            + Duration.ofMillis(o.timeToConvertMs()).toString().substring(2).toLowerCase()
                            : o.end() == Outcome.End.TOO_MANY_OPEN ? "NOT CONVERTED: closed early, too many windows open"
                                    : "NOT CONVERTED: its goal did not happen by " + Instant.ofEpochMilli(o.windowEnd()));
            add(o.decidedAt(), Kind.OUTCOME, text, null, o);
        }

        @Override
        public void stageChange(StageChange c) {
            add(c.changeTime(), Kind.STAGE, (c.from() == null ? "(none)" : c.from()) + " -> " + c.to() + " (" + c.reason() + ")", null, null);
        }

        @Override
        public void deferred(String userId, DeferredTrigger d) {
            add(d.dueAt(), Kind.DEFERRED, d.ruleId() + " falls in quiet hours: waits until " + Instant.ofEpochMilli(d.deferTo())
                    + (d.causeEventId() == null ? "" : " (caused by " + d.causeEventId() + ")"), null, null);
        }

        @Override
        public void deferredCancelled(String userId, DeferredTrigger d, Event by) {
            add(by.time(), Kind.CANCELLED, d.ruleId() + " (waiting for the end of quiet hours) will not be sent: "
                    + by.eventId() + " " + by.type() + " removed its reason", null, null);
        }

        @Override
        public void deferredTriggerDiscarded(String userId, String ruleId, boolean replaced) {
            Entry last = entries.get(entries.size() - 1);
            add(last.at(), Kind.CANCELLED, ruleId + (replaced ? " already waited for the same release: one push, with the newer reason"
                    : " dropped: the most triggers that may wait for quiet hours to end were waiting"), null, null);
        }

        @Override
        public void duplicateIgnored(Event e) {
            add(e.time(), Kind.IGNORED, e.eventId() + " seen before within the dedup window: ignored", null, null);
        }

        @Override
        public void lateBeyondTolerance(Event e) {
            add(e.time(), Kind.IGNORED, e.eventId() + " older than the late tolerance: counts, but moves no deadline", null, null);
        }

        @Override
        public void erased(Event e) {
            add(e.time(), Kind.ERASED, "the user asked to be forgotten: all state gone", null, null);
        }
    }
}
