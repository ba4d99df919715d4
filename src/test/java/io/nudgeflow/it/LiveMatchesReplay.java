package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.it.Outputs.SegmentOut;
import io.nudgeflow.it.Outputs.TriggerOut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * SPEC section 6, live and replay agree: the same trigger ids with the same rule, fire time, stage,
 * attributes and suppressed reason, the same segment changes and the same outcomes. The one difference allowed is STALE on a
 * live trigger that replay sends (the live job emitted it more than the staleness window after its fire
 * time); after a failure, at-least-once redelivers some outputs, with the same ids.
 */
final class LiveMatchesReplay {
    private LiveMatchesReplay() {}

    static void assertMatch(Outputs live, Outputs replay, boolean redeliveries) {
        Map<String, TriggerOut> expected = new LinkedHashMap<>();
        for (TriggerOut t : replay.triggers()) {
            assertThat(expected.put(t.triggerId(), t)).as("replay's trigger ids are unique: %s", t).isNull();
        }
        Map<String, List<TriggerOut>> actual = new LinkedHashMap<>();
        for (TriggerOut t : live.triggers()) {
            actual.computeIfAbsent(t.triggerId(), id -> new ArrayList<>()).add(t);
        }
        List<String> problems = new ArrayList<>();
        for (TriggerOut want : expected.values()) {
            List<TriggerOut> got = actual.get(want.triggerId());
            if (got == null) {
                problems.add("missing live: " + want);
                continue;
            }
            for (TriggerOut g : got) {
                boolean stale = "STALE".equals(g.suppressedReason()) && want.suppressedReason() == null;
                if (!Objects.equals(stale ? g.withSuppressedReason(null) : g, want)) {
                    problems.add("differs: live " + g + "\n         replay " + want);
                }
            }
            if (!redeliveries && got.size() > 1) {
                problems.add("emitted " + got.size() + " times: " + got);
            }
        }
        for (Map.Entry<String, List<TriggerOut>> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                problems.add("only live: " + e.getValue());
            }
        }
        Comparator<SegmentOut> order = Comparator.comparing(SegmentOut::changeTime).thenComparing(SegmentOut::userId)
                .thenComparing(SegmentOut::toStage).thenComparing(s -> String.valueOf(s.fromStage()))
                .thenComparing(SegmentOut::reason);
        if (redeliveries) {
            TreeSet<SegmentOut> want = new TreeSet<>(order);
            want.addAll(replay.segments());
            TreeSet<SegmentOut> got = new TreeSet<>(order);
            got.addAll(live.segments());
            differences("segment change", new ArrayList<>(got), new ArrayList<>(want), order, problems);
        } else {
            differences("segment change", live.segments(), replay.segments(), order, problems);
        }
        // one outcome per trigger, equal in every field (a redelivery repeats it whole)
        Comparator<Outputs.OutcomeOut> byTrigger = Comparator.comparing(Outputs.OutcomeOut::triggerId);
        differences("outcome", redeliveries ? distinct(live.outcomes()) : live.outcomes(), replay.outcomes(), byTrigger, problems);
        assertThat(problems).as("live vs replay (%d live triggers, %d replay triggers, %d/%d segment changes, %d/%d outcomes)",
                live.triggers().size(), replay.triggers().size(), live.segments().size(), replay.segments().size(),
                live.outcomes().size(), replay.outcomes().size())
                .isEmpty();
    }

    private static <T> List<T> distinct(List<T> all) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(all));
    }

    private static <T> void differences(String what, List<T> live, List<T> replay, Comparator<T> order, List<String> problems) {
        List<T> onlyLive = new ArrayList<>(live);
        List<T> onlyReplay = new ArrayList<>(replay);
        for (T r : replay) {
            onlyLive.remove(r);
        }
        for (T l : live) {
            onlyReplay.remove(l);
        }
        onlyLive.sort(order);
        onlyReplay.sort(order);
        onlyLive.forEach(x -> problems.add(what + " only live: " + x));
        onlyReplay.forEach(x -> problems.add(what + " missing live: " + x));
    }
}
