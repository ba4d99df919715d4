package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Triggers deferred by quiet hours are bounded (issue 12): one per rule, group and release carrying the newest
 * reason, and {@link UserState#MAX_DEFERRED} in all, the oldest reason dropped — however many events a user
 * sends in one night, and whatever order they arrive in.
 */
class BoundedDeferralTest {
    private static final String NY = "America/New_York";
    /** 23:00 in New York on Monday 2026-03-02; quiet hours end at 13:00Z on Tuesday. */
    private static final long NIGHT = Instant.parse("2026-03-03T04:00:00Z").toEpochMilli();
    private static final long MORNING = Instant.parse("2026-03-03T13:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    /** A counting recorder: every trigger and every deferral given up. */
    private static final class Recorder implements EngineOutput {
        final List<FiredTrigger> triggers = new ArrayList<>();
        int replaced;
        int dropped;

        @Override
        public void trigger(FiredTrigger trigger) {
            triggers.add(trigger);
        }

        @Override
        public void outcome(io.nudgeflow.domain.Outcome outcome) {}

        @Override
        public void stageChange(StageChange change) {}

        @Override
        public void deferredTriggerDiscarded(String userId, String ruleId, boolean replacedByNewer) {
            if (replacedByNewer) {
                replaced++;
            } else {
                dropped++;
            }
        }
    }

    private static Event nudgeEvent(String id, String type, long time) {
        return new Event(id, "hot", type, time, NY, null, Map.of("n", id));
    }

    /** Runs events in the given order, then the night to its end; returns the recorder. */
    private static Recorder run(UserEngine engine, List<Event> events, UserState[] stateOut) {
        Recorder out = new Recorder();
        UserState s = null;
        for (Event e : events) {
            s = engine.onEvent(s, e, UserEngine.NO_WALL_CLOCK, out);
        }
        stateOut[0] = s;
        engine.advanceTo(s, "hot", MORNING + MINUTE, UserEngine.NO_WALL_CLOCK, out);
        return out;
    }

    @Test
    void aNightOfOneRulesEventsWaitsAsOneTriggerCarryingTheNewestReason() {
        UserEngine engine = new UserEngine(RuleSetParser.loadDefault());
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            events.add(nudgeEvent("p" + i, "payment_failed", NIGHT + i * MINUTE / 10));
        }
        UserState[] state = new UserState[1];

        Recorder out = run(engine, events, state);

        List<FiredTrigger> payments = out.triggers.stream().filter(t -> t.ruleId().equals("payment_failed")).toList();
        assertThat(payments).hasSize(1);
        assertThat(payments.get(0).fireTime()).isEqualTo(MORNING);
        assertThat(payments.get(0).causeEventId()).isEqualTo("p499");
        assertThat(out.replaced).isEqualTo(499);
        assertThat(out.dropped).isZero();
        assertThat(state[0].deferredTriggers()).isEmpty();
    }

    @Property(tries = 50)
    void whatWaitsDoesNotDependOnTheOrderTheNightsEventsArriveIn(@ForAll @IntRange(min = 2, max = 60) int n,
            @ForAll long seed) {
        UserEngine engine = new UserEngine(RuleSetParser.loadDefault());
        List<Event> inOrder = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            // minutes apart, or at one instant: ties are decided by the cause's id, not by arrival
            inOrder.add(nudgeEvent("e" + i, "payment_failed", NIGHT + random.nextLong(6) * 60 * MINUTE));
        }
        inOrder.sort(java.util.Comparator.comparingLong(Event::time));
        List<Event> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, new java.util.Random(seed));

        Recorder a = run(engine, inOrder, new UserState[1]);
        Recorder b = run(engine, shuffled, new UserState[1]);

        assertThat(b.triggers.stream().map(t -> t.ruleId() + "@" + t.fireTime() + "<-" + t.causeEventId()).sorted())
                .containsExactlyElementsOf(a.triggers.stream()
                        .map(t -> t.ruleId() + "@" + t.fireTime() + "<-" + t.causeEventId()).sorted().toList());
    }

    @Test
    void pastTheBoundTheOldestReasonIsDroppedAndCounted() {
        int rules = UserState.MAX_DEFERRED + 8;
        StringBuilder yaml = new StringBuilder("""
                version: many
                active_events: [lesson_completed]
                onboarding: {checklist: [lesson_completed]}
                rules:
                """);
        for (int i = 0; i < rules; i++) {
            yaml.append("  - {id: nudge_").append(i).append(", kind: NUDGE, type: on_event, event: e").append(i).append("}\n");
        }
        UserEngine engine = new UserEngine(RuleSetParser.parse(yaml.toString(), "many.yaml"));
        List<Event> events = IntStream.range(0, rules)
                .mapToObj(i -> nudgeEvent("id" + i, "e" + i, NIGHT + i * MINUTE)).toList();
        UserState[] state = new UserState[1];
        Recorder out = new Recorder();
        for (Event e : events) {
            state[0] = engine.onEvent(state[0], e, UserEngine.NO_WALL_CLOCK, out);
            assertThat(state[0].deferredTriggers()).hasSizeLessThanOrEqualTo(UserState.MAX_DEFERRED);
        }
        engine.advanceTo(state[0], "hot", MORNING, UserEngine.NO_WALL_CLOCK, out);

        assertThat(out.dropped).isEqualTo(8);
        assertThat(out.triggers).extracting(FiredTrigger::ruleId)
                .containsExactlyElementsOf(IntStream.range(8, rules).mapToObj(i -> "nudge_" + i).toList());
    }

    /**
     * The hot user of issue 12: tens of thousands of nudge events from one user in quiet hours. Its state stays
     * under the documented 64 KB (README, State layout), whatever it sends: 4,096 remembered ids and one
     * waiting trigger per rule.
     */
    @Test
    void aFloodInQuietHoursKeepsTheUsersStateUnder64KB() {
        UserEngine engine = new UserEngine(RuleSetParser.loadDefault());
        Recorder out = new Recorder();
        UserState s = null;
        int maxBytes = 0;
        int maxDeferred = 0;
        String[] types = {"payment_failed", "add_to_cart", "quiz_failed", "feature_viewed", "app_open"};
        for (int i = 0; i < 30_000; i++) {
            Event e = new Event("flood-" + i, "hot", types[i % types.length], NIGHT + i * 100L, NY, null,
                    Map.of("feature", "f" + (i % 7), "n", Integer.toString(i)));
            s = engine.onEvent(s, e, UserEngine.NO_WALL_CLOCK, out);
            maxDeferred = Math.max(maxDeferred, s.deferredTriggers().size());
            if (i % 1000 == 999) {
                maxBytes = Math.max(maxBytes, UserStateCodec.encode(s).length);
            }
        }

        assertThat(maxDeferred).isLessThanOrEqualTo(UserState.MAX_DEFERRED);
        assertThat(maxBytes).isLessThan(64 * 1024);
        assertThat(s.recentEventIdCount()).isEqualTo(RecentIds.MAX);
    }
}
