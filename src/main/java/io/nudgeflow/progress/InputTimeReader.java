package io.nudgeflow.progress;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.io.RawEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;

/**
 * The Kafka source's reader, watching what it hands on: each record moves its partition's
 * {@link SplitProgress}; on every tick of the {@link ProbeLoop}, and as soon as a record moves a partition's
 * time on (at most once a millisecond), the reader's thread emits the watermark of {@link InputProgress}
 * (only when it moved on). The watermark goes out ahead of the records of the same poll, so a record behind
 * it is one that reached Kafka late.
 */
final class InputTimeReader implements SourceReader<RawEvent, KafkaPartitionSplit> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InputTimeReader.class);
    private final SourceReader<RawEvent, KafkaPartitionSplit> kafka;
    private final ClockScale clock;
    private final InputProgress progress;
    private final Map<String, String> probeClientProperties;
    private final long probeIntervalNanos;
    private ProbeLoop.Registration probe;
    private volatile boolean watermarkDue;
    private volatile CompletableFuture<Void> tick = new CompletableFuture<>();
    private TrackingOutput tracking;
    private long emitted = Long.MIN_VALUE;
    /**
     * A record moved a partition's time on since the last watermark. Under load, waiting for the next tick
     * would hold every deadline up to a probe interval behind the events read.
     */
    private boolean progressed;
    private long lastWatermarkNanos;
    /** Watermarks cross the network to every engine subtask: not more often than this. */
    private static final long MIN_WATERMARK_GAP_NANOS = 1_000_000;

    InputTimeReader(SourceReader<RawEvent, KafkaPartitionSplit> kafka, Map<String, String> probeClientProperties,
            ClockScale clock, long maxEventDelayMs, long probeIntervalNanos) {
        this.kafka = kafka;
        this.clock = clock;
        this.progress = new InputProgress(maxEventDelayMs);
        this.probeClientProperties = probeClientProperties;
        this.probeIntervalNanos = probeIntervalNanos;
    }

    /** On the probe's thread: the next poll emits the watermark; a reader waiting for records wakes up for it. */
    private void onTick() {
        watermarkDue = true;
        CompletableFuture<Void> current = tick;
        tick = new CompletableFuture<>();
        current.complete(null);
    }

    @Override
    public void start() {
        kafka.start();
        probe = ProbeLoop.register(probeClientProperties, clock, probeIntervalNanos, progress, this::onTick);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RawEvent> output) throws Exception {
        if (tracking == null || tracking.main != output) {
            tracking = new TrackingOutput(output);
        }
        if (watermarkDue || progressed && System.nanoTime() - lastWatermarkNanos >= MIN_WATERMARK_GAP_NANOS) {
            watermarkDue = false;
            progressed = false;
            lastWatermarkNanos = System.nanoTime();
            long watermark = progress.watermark(clock.toSim(System.currentTimeMillis()));
            if (LOG.isTraceEnabled()) {
                LOG.trace("watermark {} from {}", watermark, progress);
            }
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
        return kafka.pollNext(tracking);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return kafka.isAvailable().applyToEither(tick, ignored -> null);
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        for (KafkaPartitionSplit split : splits) {
            progress.add(split.splitId(), split.getTopicPartition(), split.getStartingOffset());
        }
        kafka.addSplits(splits);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        return kafka.snapshotState(checkpointId);
    }

    @Override
    public void notifyNoMoreSplits() {
        kafka.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        kafka.handleSourceEvents(sourceEvent);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        kafka.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        kafka.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(java.util.Collection<String> splitsToPause, java.util.Collection<String> splitsToResume) {
        kafka.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void close() throws Exception {
        try {
            if (probe != null) {
                probe.close();
            }
        } finally {
            kafka.close();
        }
    }

    /** The reader's output as the Kafka reader sees it: each partition's output records what passes. */
    private final class TrackingOutput implements ReaderOutput<RawEvent> {
        final ReaderOutput<RawEvent> main;

        TrackingOutput(ReaderOutput<RawEvent> main) {
            this.main = main;
        }

        @Override
        public void collect(RawEvent record) {
            main.collect(record);
        }

        @Override
        public void collect(RawEvent record, long timestamp) {
            main.collect(record, timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            main.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            main.markIdle();
        }

        @Override
        public void markActive() {
            main.markActive();
        }

        @Override
        public SourceOutput<RawEvent> createOutputForSplit(String splitId) {
            SplitProgress split = progress.split(splitId);
            if (split == null) {
                // the Kafka reader only reads splits it was given through addSplits, which registers them
                throw new IllegalStateException("Records of split " + splitId + " that was never assigned");
            }
            return new SplitOutput(main.createOutputForSplit(splitId), split, InputTimeReader.this);
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            progress.remove(splitId);
            main.releaseOutputForSplit(splitId);
        }
    }

    private static final class SplitOutput implements SourceOutput<RawEvent> {
        private final SourceOutput<RawEvent> output;
        private final SplitProgress split;
        private final InputTimeReader reader;

        SplitOutput(SourceOutput<RawEvent> output, SplitProgress split, InputTimeReader reader) {
            this.output = output;
            this.split = split;
            this.reader = reader;
        }

        @Override
        public void collect(RawEvent record) {
            output.collect(record);
            read(record);
        }

        @Override
        public void collect(RawEvent record, long timestamp) {
            output.collect(record, timestamp);
            read(record);
        }

        private void read(RawEvent record) {
            if (split.read(record.offset, timeOf(record))) {
                reader.progressed = true;
            }
        }

        private static long timeOf(RawEvent record) {
            return record.event == null ? SplitProgress.NONE : record.event.time();
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            output.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            output.markIdle();
        }

        @Override
        public void markActive() {
            output.markActive();
        }
    }
}
