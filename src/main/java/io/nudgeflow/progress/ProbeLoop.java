package io.nudgeflow.progress;

import io.nudgeflow.domain.ClockScale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader's probe thread: every interval one {@link EndOffsetProbe} round, then a tick that lets the
 * reader's thread emit its watermark. While the brokers do not answer, the caught-up instants stop moving
 * and so does the watermark: deadlines wait instead of firing for events stuck on their way to Kafka.
 */
final class ProbeLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Thread thread;
    private volatile boolean running = true;
    /** Created on the probe's thread; closing wakes it from a blocking call. */
    private volatile EndOffsetProbe probe;

    ProbeLoop(String name, Map<String, String> clientProperties, InputProgress progress, ClockScale clock,
            long intervalNanos, Runnable onTick) {
        thread = new Thread(() -> run(clientProperties, progress, clock, intervalNanos, onTick), name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run(Map<String, String> clientProperties, InputProgress progress, ClockScale clock,
            long intervalNanos, Runnable onTick) {
        long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
        try (EndOffsetProbe probe = new EndOffsetProbe(clientProperties)) {
            this.probe = probe;
            long next = System.nanoTime();
            while (running) {
                var splits = progress.splitsToProbe();
                if (!splits.isEmpty()) {
                    try {
                        probe.probe(splits, clock.toSim(System.currentTimeMillis()));
                    } catch (RuntimeException e) {
                        if (!running) {
                            return;
                        }
                        if (System.nanoTime() - lastWarning >= WARN_EVERY_NANOS) {
                            lastWarning = System.nanoTime();
                            LOG.warn("Cannot learn the end offsets of {}: deadlines wait until Kafka answers ({})",
                                    splits, e.toString());
                        }
                    }
                }
                onTick.run();
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime(); // a slow round: start the next one from now, do not rush to catch up
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("The input probe stopped; deadlines now follow only the event times read", e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        EndOffsetProbe current = probe;
        if (current != null) {
            current.wakeup();
        }
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
