package io.nudgeflow.flink;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Triggers, closed outcome windows and conversions per rule and experiment arm, as counters under the key-value
 * groups {@code rule} and {@code arm} (Prometheus: {@code flink_taskmanager_job_task_operator_rule_arm_conversions
 * {rule="inactive_24h",arm="holdout"}}). Arms: the variant's name, {@code holdout}, or {@code none} for a rule
 * without an experiment. Registered on first use: a rule set has a few dozen (rule, arm) pairs, and a rule removed
 * by a switch keeps its counters until the job restarts.
 */
final class RuleArmMetrics {
    static final String NO_EXPERIMENT = "none";
    static final String HOLDOUT = "holdout";

    /**
     * @param triggers sent (or, for the holdout, held back)
     * @param outcomes windows closed, converted or not
     */
    record Counters(Counter triggers, Counter outcomes, Counter conversions) {}

    private final MetricGroup operator;
    private final Map<String, Counters> byRuleAndArm = new HashMap<>();

    RuleArmMetrics(MetricGroup operator) {
        this.operator = operator;
    }

    Counters of(String ruleId, String variant, boolean holdout) {
        String arm = holdout ? HOLDOUT : variant == null ? NO_EXPERIMENT : variant;
        return byRuleAndArm.computeIfAbsent(ruleId + '\u0000' + arm, k -> {
            MetricGroup group = operator.addGroup("rule", ruleId).addGroup("arm", arm);
            return new Counters(group.counter("triggers"), group.counter("outcomes"), group.counter("conversions"));
        });
    }
}
