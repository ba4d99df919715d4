package io.nudgeflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeSummaryTest {

    private static String trigger(String rule, String variant, String suppressed) {
        return "{\"rule_id\":\"" + rule + "\",\"variant\":" + (variant == null ? "null" : "\"" + variant + "\"")
                + ",\"suppressed_reason\":" + (suppressed == null ? "null" : "\"" + suppressed + "\"") + "}";
    }

    private static String outcome(String rule, String variant, boolean holdout, boolean converted) {
        return "{\"rule_id\":\"" + rule + "\",\"variant\":" + (variant == null ? "null" : "\"" + variant + "\"")
                + ",\"holdout\":" + holdout + ",\"converted\":" + converted + "}";
    }

    @Test
    void countsPerRuleAndArmAndGivesEachVariantItsUpliftOverTheHoldout() {
        List<String> triggers = new ArrayList<>();
        List<String> suppressed = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            suppressed.add(trigger("nudge", null, "HOLDOUT"));
            outcomes.add(outcome("nudge", null, true, i < 20));
            triggers.add(trigger("nudge", "b", null));
            outcomes.add(outcome("nudge", "b", false, i < 45));
            triggers.add(trigger("plain", null, null));
        }
        suppressed.add(trigger("nudge", "b", "FREQUENCY_CAP")); // capped: no arm, not counted
        outcomes.add(outcome("plain", null, false, true));

        OutcomeSummary s = OutcomeSummary.of(triggers, suppressed, outcomes);

        assertThat(s.arm("nudge", "holdout")).extracting(OutcomeSummary.Arm::triggers, OutcomeSummary.Arm::followed,
                OutcomeSummary.Arm::converted).containsExactly(100L, 100L, 20L);
        OutcomeSummary.Arm b = s.arm("nudge", "b");
        assertThat(b.triggers()).isEqualTo(100);
        assertThat(b.rate()).isEqualTo(0.45);
        assertThat(b.uplift().difference()).isEqualTo(0.25, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(b.uplift().significantlyPositive()).isTrue();
        assertThat(s.arm("nudge", "holdout").uplift()).isNull();
        assertThat(s.arm("plain", "-")).extracting(OutcomeSummary.Arm::triggers, OutcomeSummary.Arm::followed)
                .containsExactly(100L, 1L);
        assertThat(s.arm("plain", "-").uplift()).isNull();

        StringWriter text = new StringWriter();
        s.print(new PrintWriter(text));
        assertThat(text.toString()).contains("Newcombe").containsPattern("nudge\\s+b\\s+100\\s+100\\s+45\\s+45.0%\\s+\\+25.0 pp \\[\\+\\d");
    }
}
