package io.nudgeflow.bench;

import io.nudgeflow.domain.AttributeTemplate;
import io.nudgeflow.domain.Guardrails;
import io.nudgeflow.domain.OnEventRule;
import io.nudgeflow.domain.Rule;
import io.nudgeflow.domain.RuleHeader;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.TriggerKind;
import io.nudgeflow.rules.RuleSetParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule set the job runs in the benchmarks: every default rule, plus one probe rule that answers a
 * {@code latency_probe} event with a trigger carrying the probe's send time. Quiet hours and the frequency
 * cap are off ({@link #load()}) so that every probe gives a trigger at once, whatever the hour of the run; everything else
 * (staleness, consent, state, timers) works as in production.
 */
final class BenchRules {
    private BenchRules() {}

    static RuleSet load() {
        return load(false);
    }

    /**
     * @param quietHours with the default quiet hours (22:00–08:00 local for re-engagement and nudges, so probe
     *     triggers of users in their night wait in state), for the hot-user benchmark
     */
    static RuleSet load(boolean quietHours) {
        RuleSet d = RuleSetParser.loadDefault();
        Guardrails g = d.guardrails();
        Rule probe = new OnEventRule(RuleHeader.of("latency_probe", TriggerKind.NUDGE,
                new AttributeTemplate(Map.of(Workload.SENT_NANOS, "{properties." + Workload.SENT_NANOS + "}"))),
                Workload.PROBE_EVENT, List.of());
        List<Rule> rules = new ArrayList<>(d.rules());
        rules.add(probe);
        return new RuleSet(d.version() + "+bench", d.activeEvents(), d.onboarding(), d.lifecycle(), d.dedupWindow(),
                d.lateTolerance(), new Guardrails(0,
                        quietHours ? g.quietStart() : null, quietHours ? g.quietEnd() : null,
                        quietHours ? g.quietKinds() : Set.of(), g.staleAfter(), g.optOutEvent(), g.optInEvent(),
                        g.erasureEvent()), rules);
    }
}
