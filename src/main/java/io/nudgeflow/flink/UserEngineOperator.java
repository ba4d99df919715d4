package io.nudgeflow.flink;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.domain.Event;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link UserEngineFunction} with its write-behind cache of active users' states: the cache writes
 * back to the keyed state before every checkpoint barrier (so each snapshot holds every user's current
 * state) and when the input ends.
 */
public final class UserEngineOperator extends KeyedProcessOperator<String, Event, Trigger> {
    private static final Logger LOG = LoggerFactory.getLogger(UserEngineOperator.class);
    private final UserEngineFunction engine;

    public UserEngineOperator(EngineSettings settings) {
        this(new UserEngineFunction(settings));
    }

    private UserEngineOperator(UserEngineFunction engine) {
        super(engine);
        this.engine = engine;
    }

    @Override
    public void open() throws Exception {
        engine.bind(this); // before the function opens and sizes its cache
        super.open();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        long start = System.nanoTime();
        int written = engine.writeBack();
        // the write-back delays this subtask's records: it belongs next to Flink's own checkpoint timings
        LOG.debug("Wrote {} cached user states back in {} ms before checkpoint {}", written,
                (System.nanoTime() - start) / 1_000_000, checkpointId);
    }

    @Override
    public void finish() throws Exception {
        engine.writeBack();
        super.finish();
    }
}
