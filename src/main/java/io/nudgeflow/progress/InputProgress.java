package io.nudgeflow.progress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How far one source reader has read its input, and from that its watermark: the instant up to which the
 * job may decide deadlines. Per partition, the input is read up to the newest event time read, or — once a
 * probe has shown that every record appended to the partition before an instant has been read — up to that
 * instant, if later. The reader's watermark is the least of its partitions, never ahead of the wall clock,
 * less {@code maxEventDelay}, less a millisecond: everything at or before it has been read, unless it reached
 * Kafka more than {@code maxEventDelay} after it happened (or after an event that much newer) — a late event.
 *
 * <p>A reader without partitions (none assigned yet) or with one that has neither been read nor probed
 * has no watermark: it holds the job's time back rather than let other partitions decide for it.
 */
public final class InputProgress {
    private final long maxEventDelayMs;
    /** Reader thread only. */
    private final Map<String, SplitProgress> splits = new LinkedHashMap<>();
    /** The same splits, for the probe's thread. */
    private volatile List<SplitProgress> probed = List.of();

    public InputProgress(long maxEventDelayMs) {
        if (maxEventDelayMs < 0) {
            throw new IllegalArgumentException("max event delay must be >= 0, was " + maxEventDelayMs);
        }
        this.maxEventDelayMs = maxEventDelayMs;
    }

    /** @param startingOffset an offset, or a negative starting-offset marker of the Kafka source */
    public SplitProgress add(String splitId, TopicPartition partition, long startingOffset) {
        SplitProgress split = splits.computeIfAbsent(splitId, id -> new SplitProgress(id, partition, startingOffset));
        probed = List.copyOf(splits.values());
        return split;
    }

    /** A finished split (bounded input) holds nothing back any more. */
    public void remove(String splitId) {
        splits.remove(splitId);
        probed = List.copyOf(splits.values());
    }

    public SplitProgress split(String splitId) {
        return splits.get(splitId);
    }

    List<SplitProgress> splitsToProbe() {
        return probed;
    }

    public boolean hasSplits() {
        return !splits.isEmpty();
    }

    /**
     * The watermark at wall clock {@code now} (engine clock), or {@link SplitProgress#NONE} while nothing
     * is known. Reader thread only.
     */
    public long watermark(long now) {
        if (splits.isEmpty()) {
            return SplitProgress.NONE;
        }
        long least = Long.MAX_VALUE;
        for (SplitProgress split : splits.values()) {
            least = Math.min(least, split.readUpTo());
        }
        if (least == SplitProgress.NONE) {
            return SplitProgress.NONE;
        }
        // an event up to the validator's tolerance in the future must not carry the job's time ahead of the wall clock
        long upTo = Math.min(least, now);
        // one millisecond short: an event at the very instant read may still follow (at the same millisecond,
        // or not yet in the end offsets asked for then), and an event wins the tie with a deadline
        return upTo > SplitProgress.NONE + maxEventDelayMs + 1 ? upTo - maxEventDelayMs - 1 : SplitProgress.NONE;
    }

    @Override
    public String toString() {
        return "InputProgress" + splits.values();
    }
}
