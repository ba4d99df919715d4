package io.nudgeflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.domain.EngineOutput;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.domain.UserState;
import io.nudgeflow.domain.UserStateCodec;
import io.nudgeflow.io.EventValidator;
import io.nudgeflow.rules.RuleSetException;
import io.nudgeflow.rules.RuleSetParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Poison-proof rules (issue 12): any rule file that validates, with any valid events, runs through the engine
 * without an exception — durations at their bounds (1 ms .. 3650 d), counts up to {@code Integer.MAX_VALUE},
 * thresholds up to 1e12, purchase values up to the largest finite double, event times across the whole
 * accepted range — and the user's state stays bounded (and survives its codec) whatever they send.
 */
class RandomRulesPropertyTest {
    /** Erasure is drawn apart, rarely: it empties the state, and a state emptied often never fills up. */
    private static final String[] TYPES = {"a", "b", "c", "d", "signup", "notifications_opt_out",
            "notifications_opt_in"};
    private static final String[] DURATIONS = {"1ms", "999ms", "1s", "59m", "1h", "24h", "7d", "30d", "3650d"};
    private static final String[] ZONES = {"UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago",
            "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Berlin"};
    private static final long EARLIEST = EventValidator.EARLIEST_EVENT_TIME.toEpochMilli();
    private static final long END = EventValidator.END_OF_EVENT_TIMES.toEpochMilli();
    /** 64 KB (README, State layout) plus a slot's worth per rule for counters, sums and pairs. */
    private static final int MAX_STATE_BYTES = 64 * 1024 + 12 * 600;

    @Property(tries = 1000)
    void anyValidRuleFileAndAnyValidEventsRunWithoutAnExceptionAndWithBoundedState(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 400) int events, @ForAll boolean flood) {
        SplittableRandom random = new SplittableRandom(seed);
        RuleSet rules;
        try {
            rules = RuleSetParser.parse(ruleFile(random, flood), "random.yaml");
        } catch (RuleSetException e) {
            Statistics.label("rule files").collect("rejected: " + e.getMessage());
            Assume.that(false);
            return;
        }
        Statistics.label("rule files").collect("valid");
        UserEngine engine = new UserEngine(rules);
        EngineOutput out = new EngineOutput() {
            @Override
            public void trigger(FiredTrigger trigger) {}

            @Override
            public void outcome(io.nudgeflow.domain.Outcome outcome) {}

            @Override
            public void stageChange(StageChange change) {}
        };
        UserState s = null;
        int mostWaiting = 0;
        int mostOpen = 0;
        long t = pickTime(random);
        boolean live = random.nextBoolean();
        for (int i = 0; i < events; i++) {
            // a flood: a bot or a stuck retry loop, hundreds of events within minutes (of one night, often)
            t = flood ? Math.min(END - 1, t + random.nextLong(0, 1_000)) : nextTime(random, t);
            long eventTime = random.nextInt(10) == 0 ? Math.max(EARLIEST, t - random.nextLong(1, 40L * 86_400_000)) : t;
            Event e = new Event(random.nextInt(8) == 0 && i > 0 ? "id" + random.nextInt(i) : "id" + i, "u",
                    random.nextInt(60) == 0 ? "user_erased" : flood && random.nextBoolean() ? "c" : TYPES[random.nextInt(TYPES.length)], eventTime, random.nextInt(4) == 0 ? ZONES[random.nextInt(ZONES.length)] : null,
                    value(random), Map.of("g", "g" + random.nextInt(50), "p", "x"));
            long wallNow = live ? Math.min(END - 1, t + random.nextLong(0, 3 * 86_400_000L)) : UserEngine.NO_WALL_CLOCK;
            s = engine.onEvent(s, e, wallNow, out);
            if (s == null) {
                continue; // erased
            }
            if (random.nextInt(5) == 0) { // a timer: the job's time passed some instant after the event
                long at = Math.min(END - 1, t + random.nextLong(1, 400L * 86_400_000));
                engine.onTimer(s, "u", at, wallNow, out);
            }
            engine.reschedule(s);
            byte[] bytes = UserStateCodec.encode(s);
            assertThat(bytes.length).as("state after %d events", i + 1).isLessThanOrEqualTo(MAX_STATE_BYTES);
            assertThat(UserStateCodec.encode(UserStateCodec.decode(bytes))).isEqualTo(bytes);
            assertThat(s.deferredTriggers()).hasSizeLessThanOrEqualTo(32);
            assertThat(s.openOutcomes()).hasSizeLessThanOrEqualTo(UserState.MAX_OPEN_OUTCOMES);
            mostOpen = Math.max(mostOpen, s.openOutcomes().size());
            mostWaiting = Math.max(mostWaiting, s.deferredTriggers().size());
        }
        Statistics.label("most triggers waiting").collect(mostWaiting == 0 ? "0" : mostWaiting < 4 ? "1-3" : "4+");
        Statistics.label("most outcome windows open").collect(mostOpen == 0 ? "0" : mostOpen < UserState.MAX_OPEN_OUTCOMES ? "1-15" : "16");
    }

    /** Mostly near each other, now and then decades apart, always inside the accepted range. */
    private static long nextTime(SplittableRandom random, long t) {
        long gap = switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> random.nextLong(1, 1_000);
            case 2 -> random.nextLong(1, 3_600_000);
            case 3 -> random.nextLong(1, 3 * 86_400_000L);
            case 4 -> random.nextLong(1, 90 * 86_400_000L);
            default -> random.nextInt(50) == 0 ? random.nextLong(1, 20 * 365 * 86_400_000L) : 60_000;
        };
        return Math.min(END - 1, t + gap);
    }

    private static long pickTime(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> EARLIEST;
            case 1 -> END - 400L * 86_400_000;
            default -> Instant.parse("2026-03-08T05:00:00Z").toEpochMilli();
        };
    }

    private static Double value(SplittableRandom random) {
        return switch (random.nextInt(7)) {
            case 0 -> null;
            case 1 -> Double.MAX_VALUE;
            case 2 -> -Double.MAX_VALUE;
            case 3 -> 1e12;
            case 4 -> Double.MIN_VALUE;
            case 5 -> -0.0;
            default -> random.nextDouble(-1e6, 1e9);
        };
    }

    private static String pick(SplittableRandom random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String duration(SplittableRandom random) {
        return DURATIONS[random.nextInt(DURATIONS.length)];
    }

    /**
     * A rule file within the documented bounds, often at them.
     *
     * @param flood with quiet hours and a nudge on every {@code c} (whatever else the file holds): what a flood
     *     of one user's night needs to pile up waiting triggers
     */
    static String ruleFile(SplittableRandom random, boolean flood) {
        StringBuilder y = new StringBuilder("version: r").append(random.nextInt(1000)).append('\n');
        y.append("active_events: [a, b").append(random.nextBoolean() ? ", c" : "").append("]\n");
        y.append("onboarding: {start_event: signup, checklist: [").append(random.nextBoolean() ? "a" : "a, b, c").append("]}\n");
        int window = 3 + random.nextInt(62);
        int casual = 1 + random.nextInt(window - 2);
        int active = casual + 1 + random.nextInt(window - casual - 1);
        int highly = active + 1 + random.nextInt(window - active);
        y.append("lifecycle: {window_days: ").append(window).append(", casual_min_active_days: ").append(casual)
                .append(", active_min_active_days: ").append(active).append(", highly_active_min_active_days: ").append(highly)
                .append(", at_risk_after: ").append(duration(random)).append(", dormant_after: ").append(duration(random))
                .append(", churned_after: ").append(duration(random)).append(", returning_for: ").append(duration(random))
                .append("}\n");
        y.append("dedup_window: ").append(pick(random, "1ms", "1s", "1h", "24h", "7d")).append('\n'); // at most 7 d
        y.append("late_tolerance: ").append(duration(random)).append('\n');
        y.append("guardrails: {frequency_cap_per_local_day: ").append(random.nextInt(5))
                .append(", quiet_hours: ").append(!flood && random.nextBoolean() ? "off"
                        : "{start: \"" + pick(random, "22:00", "00:00", "23:59", "08:00") + "\", end: \""
                                + pick(random, "08:01", "00:01", "07:00", "22:01") + "\", kinds: [REENGAGEMENT, NUDGE, STREAK, MILESTONE]}")
                .append(", staleness: ").append(duration(random)).append("}\n");
        y.append("rules:\n");
        if (flood) {
            // its outcome windows, one per trigger, long enough to pile up to their bound
            y.append("  - {id: flood_nudge, kind: NUDGE, type: on_event, event: c")
                    .append(random.nextBoolean() ? ", goal: {events: [b], within: 3650d}" : "").append("}\n");
        }
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            String kind = pick(random, "REENGAGEMENT", "NUDGE", "STREAK", "MILESTONE");
            y.append("  - {id: r").append(i).append(", kind: ").append(kind).append(", ");
            switch (random.nextInt(10)) {
                case 0 -> y.append("type: inactivity, after: ").append(duration(random));
                case 1 -> y.append("type: checklist_completed");
                case 2 -> y.append("type: checklist_stalled, after: ").append(duration(random));
                case 3 -> y.append("type: streak, days: ").append(1 + random.nextInt(64));
                case 4 -> y.append("type: streak_at_risk, at_local: \"").append(pick(random, "00:00", "20:00", "23:59"))
                        .append("\", min_streak: ").append(1 + random.nextInt(63));
                case 5 -> y.append("type: count, event: ").append(pick(random, "a", "b", "c"))
                        .append(", count: ").append(pick(random, "1", "2", "10", "2147483647"));
                case 6 -> y.append("type: cumulative_value, event: ").append(pick(random, "a", "d"))
                        .append(", threshold: ").append(pick(random, "0.01", "1", "100", "1000000000000"));
                case 7 -> y.append("type: repeated_without, event: ").append(pick(random, "a", "c"))
                        .append(", count: ").append(1 + random.nextInt(32)).append(", within: ").append(duration(random))
                        .append(", reset_on: b").append(random.nextBoolean() ? ", group_by: g" : "");
                case 8 -> y.append("type: not_followed, event: ").append(pick(random, "c", "d"))
                        .append(", followed_by: a, within: ").append(duration(random));
                default -> y.append("type: on_event, event: ").append(pick(random, "c", "d"))
                        .append(random.nextBoolean() ? ", cancel_on: [a]" : "");
            }
            if (random.nextInt(4) == 0) {
                y.append(", cooldown: ").append(duration(random));
            }
            switch (random.nextInt(5)) { // else the type's default goal
                case 0 -> y.append(", goal: off");
                case 1 -> y.append(", goal: active");
                case 2 -> y.append(", goal: {events: [").append(pick(random, "a", "b, c", "d, a, b")).append("], within: ")
                        .append(duration(random)).append("}");
                case 3 -> y.append(", goal: {events: active, within: ").append(duration(random))
                        .append("}, experiment: {id: x").append(i).append(", holdout: ").append(pick(random, "0", "0.5", "0.99"))
                        .append(", variants: [{name: v1}, {name: v2, weight: 3}]}");
                default -> { }
            }
            y.append("}\n");
        }
        return y.toString();
    }
}
