package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.pipeline.ReplayJob;
import io.nudgeflow.rules.RuleSetParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public scenarios through the replay job (same pipeline as live, on a local mini cluster). */
class ReplayScenariosITCase {
    private static final RuleSet RULES = RuleSetParser.loadDefault();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"inactivity", "streak", "cart", "frequency-cap"})
    void scenarioMatchesItsExpectedOutputs(String scenario) throws Exception {
        ReplayJob.Outputs outputs = ReplayJob.run(Scenarios.events(scenario), RULES,
                Instant.parse(Scenarios.UNTIL.get(scenario)).toEpochMilli(), 1);

        assertThat(outputs.deadLetters()).isEmpty();
        assertThat(Scenarios.parse(outputs.segmentChanges())).map(Scenarios::segmentView)
                .containsExactlyElementsOf(Scenarios.expected(scenario, "segments").stream().map(Scenarios::segmentView).toList());
        assertTriggers(Scenarios.parse(outputs.triggers()), Scenarios.expected(scenario, "triggers"));
        assertTriggers(Scenarios.parse(outputs.suppressed()), Scenarios.expected(scenario, "suppressed"));
    }

    private static void assertTriggers(List<JsonNode> actual, List<JsonNode> expected) {
        assertThat(actual).as("triggers").hasSameSizeAs(expected);
        List<Map<String, Object>> actualViews = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            actualViews.add(Scenarios.triggerView(actual.get(i), expected.get(i)));
        }
        List<Map<String, Object>> expectedViews = new ArrayList<>();
        for (JsonNode e : expected) {
            expectedViews.add(Scenarios.triggerView(e, e));
        }
        assertThat(actualViews).containsExactlyElementsOf(expectedViews);
    }
}
