package io.nudgeflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetParser;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Why a live rule switch equals replay with the same rule history: a user is decided at each instant of their
 * time by the rule set in force then, so it does not matter when the switch reached the operator — before
 * or after other events of the user, with timers set early or late — as long as it came before the job
 * decided anything at or after its effective instant. Live drives the engine as the operator does (switch,
 * then every user's timer checked again); replay knows the whole history from the start.
 */
class RuleSwitchPropertyTest {
    static final RuleSet DEFAULT = RuleSetParser.loadDefault();
    /** Every kind of change at once: a deadline made earlier, a new rule, a removed one, a threshold, the lifecycle. */
    static final RuleSet CHANGED = RuleSetParser.parse(changed(), "changed.yaml");
    private static final long START = EngineFixture.MONDAY_9AM;

    static String changed() {
        String text = RuleSetParser.defaultText()
                .replace("version: default-2026-11-22", "version: changed-1")
                .replace("""
                          - id: inactive_24h
                            kind: REENGAGEMENT
                            type: inactivity
                            after: 24h""", """
                          - id: inactive_24h
                            kind: REENGAGEMENT
                            type: inactivity
                            after: 6h
                          - id: inactive_2h
                            kind: NUDGE
                            type: inactivity
                            after: 2h""")
                .replace("at_risk_after: 72h", "at_risk_after: 36h")
                .replace("    count: 3\n    within: 60m", "    count: 2\n    within: 60m");
        int cart = text.indexOf("  - id: cart_abandoned");
        int next = text.indexOf("  - id: onboarding_stalled");
        return text.substring(0, cart) + text.substring(next);
    }

    @Property
    void aSwitchReachingTheJobAnyTimeBeforeItsInstantGivesReplaysOutputs(
            @ForAll("histories") List<TimerPlacementPropertyTest.Step> history,
            @ForAll @IntRange(min = 0, max = 100) int switchPercent,
            @ForAll @IntRange(min = 0, max = 100) int arrivalPercent,
            @ForAll boolean switchBack) {
        long last = history.stream().mapToLong(s -> s.event().time()).max().orElseThrow();
        long switchAt = START + (last - START) * switchPercent / 100 + 1;
        RulesTimeline initial = RulesTimeline.of(DEFAULT);
        RulesTimeline switched = initial.switchTo(CHANGED, switchAt, "topic:t/0@0", null);
        if (switchBack) {
            switched = switched.switchTo(DEFAULT, switchAt + 3L * LocalCalendar.DAY_MS, "topic:t/0@1", null);
        }
        // the switch reaches the operator before the job decides anything at or after its instant
        int firstAtOrAfter = 0;
        while (firstAtOrAfter < history.size() && history.get(firstAtOrAfter).event().time() < switchAt) {
            firstAtOrAfter++;
        }
        int arrival = firstAtOrAfter * arrivalPercent / 100;

        EngineDriver replay = new EngineDriver(switched, "u1");
        EngineDriver live = new EngineDriver(initial, "u1");
        long liveWatermark = Long.MIN_VALUE;
        for (int i = 0; i < history.size(); i++) {
            if (i == arrival) {
                live.switchTo(switched);
            }
            TimerPlacementPropertyTest.Step step = history.get(i);
            long nextEventTime = Long.MAX_VALUE;
            for (int j = i; j < history.size(); j++) {
                nextEventTime = Math.min(nextEventTime, history.get(j).event().time());
            }
            if (step.watermarkShare() > 0) {
                long from = Math.max(liveWatermark, START);
                long to = i < arrival ? Math.min(nextEventTime, switchAt) - 1 : nextEventTime - 1;
                if (to > from) {
                    liveWatermark = from + (long) ((to - from) * step.watermarkShare());
                    live.watermark(liveWatermark);
                }
            }
            replay.event(step.event());
            live.event(step.event());
        }
        if (arrival >= history.size()) {
            live.switchTo(switched);
        }
        long until = Math.max(last, switchAt) + 40L * LocalCalendar.DAY_MS;
        replay.watermark(until);
        live.watermark(until);

        assertThat(live.outputs).containsExactlyElementsOf(replay.outputs);
    }

    @Provide
    Arbitrary<List<TimerPlacementPropertyTest.Step>> histories() {
        return new TimerPlacementPropertyTest().histories();
    }
}
