package io.nudgeflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.rules.RuleSetDiff;
import io.nudgeflow.rules.RuleSetParser;
import org.junit.jupiter.api.Test;

/** The rule set the demo publishes halfway: valid, and changed where the screen says. */
class DemoRuleChangeTest {
    @Test
    void theDemosRuleChangeIsValidAndChangesWhatItAnnounces() {
        var diff = RuleSetDiff.of(RuleSetParser.loadDefault(), RuleSetParser.parse(DemoRuleChange.document(), "demo.yaml"));
        assertThat(diff.added()).containsExactly("streak_2");
        assertThat(diff.removed()).isEmpty();
        assertThat(diff.changed()).containsOnlyKeys("inactive_24h");
        assertThat(diff.changed().get("inactive_24h")).extracting(RuleSetDiff.Change::field).contains("after");
    }
}
