package io.nudgeflow.flink;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.Event;
import io.nudgeflow.rules.RuleDocument;
import io.nudgeflow.rules.RuleSwitches;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * The engine operator in Flink's test harness, wired as the job wires it: user events keyed by user, rule
 * documents broadcast, and the rules input's watermark at the end of time (as {@link RuleDocumentWatermarks}).
 */
final class EngineHarness extends KeyedBroadcastOperatorTestHarness<String, Event, RuleDocument, Trigger> {
    static final String RULE_SET_ID = "default";

    /** One instance, one key group: as the one-input harness of the former operator, whose savepoints it restores. */
    EngineHarness(EngineSettings settings) throws Exception {
        this(settings, 1, 1, 0);
    }

    EngineHarness(EngineSettings settings, int maxParallelism, int parallelism, int subtask) throws Exception {
        super(new UserEngineOperator(settings, new RuleSwitches("test-job", RULE_SET_ID, settings.clock())),
                new UserIdSelector(), Types.STRING, maxParallelism, parallelism, subtask);
    }

    @Override
    public void open() throws Exception {
        super.open();
        processBroadcastWatermark(Long.MAX_VALUE);
    }

    UserEngineOperator operator() {
        return (UserEngineOperator) getTwoInputOperator();
    }

    /** Users with state in the backend. */
    long numKeyedStateEntries() {
        try (var keys = operator().<String>getKeyedStateBackend().getKeys("user", VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }
}
