package io.nudgeflow.progress;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.kafka.common.TopicPartition;

/**
 * How far one source reader has read one Kafka partition. The reader's thread records each record it hands
 * on; the probe's thread reads the position and posts what the broker said the partition's end was.
 */
public final class SplitProgress {
    /** An instant that has not happened, as in the engine. */
    public static final long NONE = Long.MIN_VALUE;
    private static final VarHandle NEXT_OFFSET;

    static {
        try {
            NEXT_OFFSET = MethodHandles.lookup().findVarHandle(SplitProgress.class, "nextOffset", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String splitId;
    final TopicPartition partition;
    /**
     * The next offset to read: after the last record handed on, or where reading starts. Negative while it
     * is one of the Kafka source's starting-offset markers (earliest, committed) that the probe has not
     * resolved yet and no record has come.
     */
    @SuppressWarnings("unused") // through NEXT_OFFSET
    private long nextOffset;
    /** Newest valid event time read; reader thread only. */
    private long newestEventTime = NONE;
    /** The latest instant (engine clock) by which everything appended to the partition had been read; reader thread only. */
    private long caughtUpAt = NONE;
    /**
     * Probe results the reader has not caught up with yet, oldest first; added by the probe's thread. Under a
     * steady stream the reader is always a fetch behind the log's end when an answer comes, so each answer is
     * kept until the reader has passed its end offset, not replaced by the next: else time would only follow
     * the event times, a Kafka latency late.
     */
    private final java.util.ArrayDeque<ProbeResult> pending = new java.util.ArrayDeque<>();
    /** The end offset of the oldest answer waiting, else MAX_VALUE: the reader checks it on every record. */
    private volatile long oldestPendingEnd = Long.MAX_VALUE;
    /** The position the previous probe saw, and for how many rounds it has not moved; probe thread only. */
    long positionAtLastProbe = Long.MIN_VALUE;
    int roundsWithoutProgress;

    SplitProgress(String splitId, TopicPartition partition, long startingOffset) {
        this.splitId = splitId;
        this.partition = partition;
        NEXT_OFFSET.setRelease(this, startingOffset);
    }

    /**
     * The reader handed on the record at {@code offset}; {@code eventTime} is its valid event's time, or
     * {@link #NONE} for a record that goes to the dead letters. A release store: the probe's thread reads the
     * position while this thread goes on, and a plain x86 store costs nothing more.
     *
     * @return whether the partition's time may have moved on: a newer event time, or the end a probe named reached
     */
    public boolean read(long offset, long eventTime) {
        NEXT_OFFSET.setRelease(this, offset + 1);
        boolean moved = offset + 1 >= oldestPendingEnd; // caught up with a probe's answer
        if (eventTime > newestEventTime) {
            newestEventTime = eventTime;
            moved = true;
        }
        return moved;
    }

    long nextOffset() {
        return (long) NEXT_OFFSET.getAcquire(this);
    }

    /** The probe resolved a starting-offset marker; a record read meanwhile has the last word. */
    void resolveStart(long marker, long offset) {
        NEXT_OFFSET.compareAndSet(this, marker, offset);
    }

    /** At most this many answers wait: a reader that far behind is reading a backlog, whose event times lead. */
    static final int MAX_PENDING_PROBES = 64;

    void probed(ProbeResult result) {
        synchronized (pending) {
            if (pending.size() == MAX_PENDING_PROBES) {
                pending.pollFirst();
            }
            pending.addLast(result);
            oldestPendingEnd = pending.peekFirst().endOffset();
        }
    }

    /**
     * How far the input of this partition is known to be read (engine clock), or {@link #NONE}: the newest
     * event time read, or, once a probe has shown that everything appended to the partition up to an instant
     * has been read, that instant if it is later. Reader thread only.
     */
    long readUpTo() {
        long next = nextOffset();
        if (next >= 0) {
            synchronized (pending) {
                for (ProbeResult p : pending) {
                    if (next >= p.endOffset() && p.sentAt() > caughtUpAt) {
                        caughtUpAt = p.sentAt();
                    }
                }
                long reached = caughtUpAt;
                pending.removeIf(p -> p.sentAt() <= reached); // answered, or older than one that is
                oldestPendingEnd = pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst().endOffset();
            }
        }
        return Math.max(newestEventTime, caughtUpAt);
    }

    @Override
    public String toString() {
        return splitId + "@" + nextOffset() + " newest=" + newestEventTime + " caughtUpAt=" + caughtUpAt;
    }

    /**
     * @param sentAt engine clock just before the broker was asked
     * @param endOffset every record that was in the partition at {@code sentAt} lies below it (records past
     *     the reader's position that are no data — transaction markers — already left out)
     */
    record ProbeResult(long sentAt, long endOffset) {}
}
