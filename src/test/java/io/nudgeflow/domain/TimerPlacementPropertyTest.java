package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Why live equals replay: a user's outputs do not depend on when the job's time reaches their timer, only on
 * their events in order — as long as no event arrives after the job's time has passed it. The live job
 * advances time between events (watermarks), replay only at the end; both drive the engine through the same
 * protocol as the Flink operator (one timer, set where {@link UserEngine#reschedule} says, fired by
 * {@link UserEngine#onTimer}), and must emit the same triggers and stage changes in the same order.
 */
class TimerPlacementPropertyTest {
    private static final RuleSet RULES = RuleSetParser.loadDefault();
    private static final long START = EngineFixture.MONDAY_9AM;
    private static final List<String> TYPES = List.of("lesson_completed", "lesson_completed", "app_open", "screen_view",
            "add_to_cart", "purchase", "quiz_failed", "quiz_failed", "quiz_passed", "feature_viewed", "feature_used",
            "profile_completed", "goal_set", "signup", "notifications_opt_out", "notifications_opt_in", "payment_failed",
            "user_erased");
    private static final List<String> ZONES = List.of("UTC", "America/New_York", "Asia/Tokyo", "Europe/Berlin");

    @Property
    void watermarksBetweenEventsChangeNothingAUserIsTold(@ForAll("histories") List<Step> history) {
        EngineDriver replay = new EngineDriver(RULES, "u1");
        EngineDriver live = new EngineDriver(RULES, "u1");
        long until = START;
        long liveWatermark = Long.MIN_VALUE;
        for (int i = 0; i < history.size(); i++) {
            Step step = history.get(i);
            // the job's time may have moved anywhere before the earliest event still to come
            long nextEventTime = Long.MAX_VALUE;
            for (int j = i; j < history.size(); j++) {
                nextEventTime = Math.min(nextEventTime, history.get(j).event().time());
            }
            if (step.watermarkShare() > 0) {
                long from = Math.max(liveWatermark, START);
                long to = nextEventTime - 1;
                if (to > from) {
                    liveWatermark = from + (long) ((to - from) * step.watermarkShare());
                    live.watermark(liveWatermark);
                }
            }
            replay.event(step.event());
            live.event(step.event());
            until = Math.max(until, step.event().time());
        }
        until += 40L * LocalCalendar.DAY_MS; // past every default deadline of the last event
        replay.watermark(until);
        live.watermark(until);

        assertThat(live.outputs).containsExactlyElementsOf(replay.outputs);
        assertThat(live.lateAfterDeadline).isZero();
    }

    /** One event of the history, and where the job's time had got to before it arrived (0: nowhere new). */
    record Step(Event event, double watermarkShare) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Tuple.Tuple6<String, Long, Integer, Integer, Double, Integer>> raw = Combinators.combine(
                Arbitraries.of(TYPES),
                Arbitraries.oneOf(Arbitraries.longs().between(1_000, 3_600_000), // within the hour
                        Arbitraries.longs().between(3_600_000, 30L * 3_600_000), // across a day's deadlines
                        Arbitraries.longs().between(2L * LocalCalendar.DAY_MS, 40L * LocalCalendar.DAY_MS)), // gone for weeks
                Arbitraries.integers().between(0, 99), // out of order, redelivered, or in order
                Arbitraries.integers().between(0, ZONES.size() - 1),
                Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0.0, 1.0)),
                Arbitraries.integers().between(0, 3)).as(Tuple::of);
        return raw.list().ofMinSize(1).ofMaxSize(60).map(TimerPlacementPropertyTest::history);
    }

    private static List<Step> history(List<Tuple.Tuple6<String, Long, Integer, Integer, Double, Integer>> raw) {
        List<Step> steps = new ArrayList<>();
        long newest = START;
        int seq = 0;
        for (var r : raw) {
            Event event;
            if (r.get3() < 8 && !steps.isEmpty()) { // a redelivery of an earlier event, as it was
                event = steps.get(steps.size() - 1 - r.get3() % Math.min(steps.size(), 3)).event();
            } else {
                long time;
                if (r.get3() < 20) { // an offline batch: before the newest event, within the late tolerance or beyond
                    time = newest - r.get2() % (36L * 3_600_000);
                } else {
                    time = newest + r.get2();
                    newest = time;
                }
                String zone = r.get6() == 0 ? ZONES.get(r.get4()) : null;
                Double value = r.get1().equals("purchase") || r.get1().equals("add_to_cart") ? 5.0 + r.get3() : null;
                Map<String, String> props = r.get1().startsWith("feature_") ? Map.of("feature", "f" + r.get6() % 2) : Map.of();
                event = new Event("e" + seq++, "u1", r.get1(), time, zone, value, props);
            }
            steps.add(new Step(event, r.get5()));
        }
        return steps;
    }
}
