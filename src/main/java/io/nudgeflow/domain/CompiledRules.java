package io.nudgeflow.domain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One entry of a {@link RulesTimeline}, prepared once for the engine: nothing is looked up by name per event. */
final class CompiledRules {
    final int seq;
    final RuleSet rules;
    final List<Rule> ruleList;
    final Map<String, Rule> ruleById = new HashMap<>();
    final Guardrails guardrails;
    final long dedupWindowMs;
    final long lateToleranceMs;
    /** Memory keys of the counters and sums the rules read, by event type: hashed once, not per event. */
    final Map<String, Integer> counterKeys = new HashMap<>();
    final Map<String, Integer> sumKeys = new HashMap<>();
    /** Every memory slot this rule set reads: a user entering it keeps these and loses the rest. */
    final Set<Integer> memoryKeys = new HashSet<>();
    /** Scratch space for the rules due at one deadline; the engine is used by one thread at a time. */
    final boolean[] due;

    CompiledRules(RulesTimeline.Entry entry) {
        this.seq = entry.seq();
        this.rules = entry.rules();
        this.ruleList = rules.rules();
        this.guardrails = rules.guardrails();
        this.dedupWindowMs = rules.dedupWindow().toMillis();
        this.lateToleranceMs = rules.lateTolerance().toMillis();
        this.due = new boolean[ruleList.size()];
        for (Rule rule : ruleList) {
            ruleById.put(rule.id(), rule);
            if (rule.countedEvent() != null) {
                counterKeys.put(rule.countedEvent(), RuleMemory.key("count:" + rule.countedEvent()));
            }
            if (rule.summedEvent() != null) {
                sumKeys.put(rule.summedEvent(), RuleMemory.key("sum:" + rule.summedEvent()));
            }
            if (rule.header().cooldown() != null) {
                memoryKeys.add(cooldownKey(rule));
            }
            memoryKeys.addAll(rule.ownMemoryKeys());
        }
        memoryKeys.addAll(counterKeys.values());
        memoryKeys.addAll(sumKeys.values());
    }

    static int cooldownKey(Rule rule) {
        return RuleMemory.key("cooldown:" + rule.id());
    }

    /** Whether moving from {@code other} to this rule set can change a user's stage by itself. */
    boolean stageSettingsDiffer(CompiledRules other) {
        return !rules.lifecycle().equals(other.rules.lifecycle()) || !rules.onboarding().equals(other.rules.onboarding());
    }
}
