package io.nudgeflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudgeflow.io.JsonLines;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per rule and experiment arm: triggers, how many of their outcome windows closed, conversions, the conversion
 * rate, and for an experiment each variant's uplift over the holdout ({@link Uplift}). Built from the JSON lines of
 * replay (or of the topics): triggers, suppressed triggers and outcomes.
 */
public final class OutcomeSummary {
    /** The arm of a rule without an experiment. */
    public static final String NO_EXPERIMENT = "-";
    public static final String HOLDOUT = "holdout";

    /**
     * @param triggers sent (the holdout: held back)
     * @param followed outcome windows closed (converted or not); triggers whose window is still open are not in it
     */
    public record Arm(String ruleId, String arm, long triggers, long followed, long converted, Uplift uplift) {
        public double rate() {
            return followed == 0 ? Double.NaN : (double) converted / followed;
        }
    }

    private final List<Arm> arms;

    private OutcomeSummary(List<Arm> arms) {
        this.arms = arms;
    }

    public List<Arm> arms() {
        return arms;
    }

    public Arm arm(String ruleId, String arm) {
        return arms.stream().filter(a -> a.ruleId().equals(ruleId) && a.arm().equals(arm)).findFirst().orElse(null);
    }

    /**
     * @param triggers lines of engagement-triggers
     * @param suppressed lines of suppressed-triggers (only HOLDOUT ones count: the control group)
     * @param outcomes lines of trigger-outcomes
     */
    public static OutcomeSummary of(List<String> triggers, List<String> suppressed, List<String> outcomes) {
        Map<String, Map<String, long[]>> counts = new TreeMap<>();
        for (String line : triggers) {
            JsonNode t = JsonLines.read(line);
            count(counts, t.get("rule_id").asText(), armOf(t.path("variant"), false))[0]++;
        }
        for (String line : suppressed) {
            JsonNode t = JsonLines.read(line);
            if (HOLDOUT.equalsIgnoreCase(t.path("suppressed_reason").asText())) {
                count(counts, t.get("rule_id").asText(), HOLDOUT)[0]++;
            }
        }
        for (String line : outcomes) {
            JsonNode o = JsonLines.read(line);
            long[] c = count(counts, o.get("rule_id").asText(), armOf(o.path("variant"), o.path("holdout").asBoolean()));
            c[1]++;
            if (o.path("converted").asBoolean()) {
                c[2]++;
            }
        }
        List<Arm> arms = new ArrayList<>();
        counts.forEach((rule, byArm) -> {
            long[] holdout = byArm.get(HOLDOUT);
            byArm.forEach((arm, c) -> {
                Uplift uplift = holdout == null || arm.equals(HOLDOUT) ? null : Uplift.of(c[2], c[1], holdout[2], holdout[1]);
                arms.add(new Arm(rule, arm, c[0], c[1], c[2], uplift));
            });
        });
        return new OutcomeSummary(arms);
    }

    private static long[] count(Map<String, Map<String, long[]>> counts, String rule, String arm) {
        return counts.computeIfAbsent(rule, r -> new TreeMap<>()).computeIfAbsent(arm, a -> new long[3]);
    }

    private static String armOf(JsonNode variant, boolean holdout) {
        return holdout ? HOLDOUT : variant.isMissingNode() || variant.isNull() ? NO_EXPERIMENT : variant.asText();
    }


    /** The table replay prints to stderr. */
    public void print(PrintWriter out) {
        out.printf("%-24s %-10s %9s %9s %9s %7s  %s%n", "rule", "arm", "triggers", "followed", "converted", "rate",
                "uplift over holdout, 95% CI (Newcombe hybrid score)");
        for (Arm a : arms) {
            out.printf(Locale.ROOT, "%-24s %-10s %9d %9d %9d %7s  %s%n", a.ruleId(), a.arm(), a.triggers(), a.followed(),
                    a.converted(), a.followed() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * a.rate()),
                    a.uplift() == null ? "" : a.uplift().describe() + (a.uplift().significantlyPositive() ? " *" : ""));
        }
        out.println("followed: outcome windows closed by --until (converted or not); rate = converted / followed; "
                + "* the interval lies above 0");
    }
}
