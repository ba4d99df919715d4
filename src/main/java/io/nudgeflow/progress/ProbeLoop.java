package io.nudgeflow.progress;

import io.nudgeflow.domain.ClockScale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe thread of one JVM (a TaskManager) for one job: every interval one {@link EndOffsetProbe} round
 * over the partitions of every source reader registered here, then a tick for each of them, so they emit
 * their watermarks. One request for all rather than one per reader: the readers' times move together (the
 * job's time is the least of them, so one slow answer among many would hold it back) and the brokers see
 * one client per TaskManager. While the brokers do not answer, the caught-up instants stop moving and so does
 * the watermark: deadlines wait instead of firing for events stuck on their way to Kafka.
 */
final class ProbeLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A round slower than this holds deadlines back noticeably: logged at DEBUG. */
    private static final long SLOW_ROUND_MS = 100;
    /** Static per class loader, so per job: Flink gives each job's code a class loader of its own. */
    private static final Map<Key, ProbeLoop> RUNNING = new HashMap<>();

    private record Key(Map<String, String> clientProperties, ClockScale clock, long intervalNanos) {}

    private record Reader(InputProgress progress, Runnable onTick) {}

    private final Key key;
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Created on the probe's thread; stopping wakes it from a blocking call. */
    private volatile EndOffsetProbe probe;

    private ProbeLoop(Key key) {
        this.key = key;
        this.thread = new Thread(this::run, "nudgeflow-input-probe");
        thread.setDaemon(true);
    }

    /** Probes the partitions of {@code progress} from now on, calling {@code onTick} after every round. */
    static Registration register(Map<String, String> clientProperties, ClockScale clock, long intervalNanos,
            InputProgress progress, Runnable onTick) {
        Key key = new Key(Map.copyOf(clientProperties), clock, intervalNanos);
        Reader reader = new Reader(progress, onTick);
        synchronized (RUNNING) {
            ProbeLoop loop = RUNNING.get(key);
            if (loop == null) {
                loop = new ProbeLoop(key);
                RUNNING.put(key, loop);
                loop.thread.start();
            }
            loop.readers.add(reader);
            return new Registration(loop, reader);
        }
    }

    /** A reader's place in the loop; closing it stops the loop when it was the last. */
    static final class Registration implements AutoCloseable {
        private final ProbeLoop loop;
        private final Reader reader;

        private Registration(ProbeLoop loop, Reader reader) {
            this.loop = loop;
            this.reader = reader;
        }

        @Override
        public void close() throws InterruptedException {
            boolean last;
            synchronized (RUNNING) {
                loop.readers.remove(reader);
                last = loop.readers.isEmpty();
                if (last) {
                    RUNNING.remove(loop.key);
                }
            }
            if (last) {
                loop.stop();
            }
        }
    }

    private void run() {
        long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
        try (EndOffsetProbe endOffsets = new EndOffsetProbe(key.clientProperties())) {
            this.probe = endOffsets;
            long next = System.nanoTime();
            while (running) {
                List<SplitProgress> splits = new ArrayList<>();
                for (Reader reader : readers) {
                    splits.addAll(reader.progress().splitsToProbe());
                }
                if (!splits.isEmpty()) {
                    long started = System.nanoTime();
                    try {
                        endOffsets.probe(splits, key.clock().toSim(System.currentTimeMillis()));
                        long tookMs = (System.nanoTime() - started) / 1_000_000;
                        if (tookMs >= SLOW_ROUND_MS) {
                            LOG.debug("A probe round took {} ms: deadlines waited that long", tookMs);
                        }
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
                for (Reader reader : readers) {
                    reader.onTick().run();
                }
                next += key.intervalNanos();
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

    private void stop() throws InterruptedException {
        running = false;
        EndOffsetProbe current = probe;
        if (current != null) {
            current.wakeup();
        }
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
