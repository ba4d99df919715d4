package io.nudgeflow.progress;

import io.nudgeflow.progress.SplitProgress.ProbeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Asks the brokers how far each partition of a reader goes, so the reader learns when it has read everything
 * appended before an instant — then its time may follow the wall clock. A consumer of its own that joins no
 * group and commits nothing; it reads the group's committed offsets only to resolve where reading started.
 */
final class EndOffsetProbe implements AutoCloseable {
    /** Long enough for a loaded broker; a round that times out just leaves the watermark where it was. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** One fetch to see whether the records past a stalled reader's position are data or only transaction markers. */
    private static final Duration MARKER_CHECK = Duration.ofMillis(20);
    /** Rounds without progress before a stalled reader's gap is checked for markers. */
    static final int ROUNDS_BEFORE_MARKER_CHECK = 3;

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** @param clientProperties the source's own settings: bootstrap servers, group, security, isolation level */
    EndOffsetProbe(Map<String, String> clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // as the source: a group without committed offsets starts at the earliest
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1024");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "nudgeflow-input-probe");
        props.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false"); // no client telemetry from a probe
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** One round: resolves starting markers, asks for end offsets and posts each partition's result. */
    void probe(List<SplitProgress> splits, long sentAt) {
        resolveStartingMarkers(splits);
        List<TopicPartition> partitions = new ArrayList<>(splits.size());
        for (SplitProgress split : splits) {
            partitions.add(split.partition);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, REQUEST_TIMEOUT);
        for (SplitProgress split : splits) {
            Long end = ends.get(split.partition);
            long position = split.nextOffset();
            if (end == null || position < 0) {
                continue;
            }
            long dataEnd = end;
            split.roundsWithoutProgress = position == split.positionAtLastProbe ? split.roundsWithoutProgress + 1 : 0;
            split.positionAtLastProbe = position;
            // Nothing read for a few rounds although the log goes further: a reader held up by the job (then
            // data follows) or the end of a transactional producer's log (then only markers follow). A reader
            // held up for a round or two (a checkpoint, a GC pause) is common under load; not worth a fetch.
            if (position < end && split.roundsWithoutProgress >= ROUNDS_BEFORE_MARKER_CHECK
                    && !hasData(split.partition, position, end)) {
                dataEnd = position;
            }
            split.probed(new ProbeResult(sentAt, dataEnd));
        }
    }

    /** Where a split without records starts reading, resolved as the Kafka source resolves it. */
    private void resolveStartingMarkers(List<SplitProgress> splits) {
        for (SplitProgress split : splits) {
            long marker = split.nextOffset();
            if (marker == KafkaPartitionSplit.COMMITTED_OFFSET) {
                OffsetAndMetadata committed = consumer.committed(java.util.Set.of(split.partition), REQUEST_TIMEOUT)
                        .get(split.partition);
                split.resolveStart(marker, committed != null ? committed.offset() : earliest(split.partition));
            } else if (marker == KafkaPartitionSplit.EARLIEST_OFFSET) {
                split.resolveStart(marker, earliest(split.partition));
            }
            // latest: the position is the end at an instant only the reader knows; wait for its first record
        }
    }

    private long earliest(TopicPartition partition) {
        return consumer.beginningOffsets(List.of(partition), REQUEST_TIMEOUT).get(partition);
    }

    /** Whether a data record lies in [from, end); when the fetch does not answer in time, assume one does. */
    private boolean hasData(TopicPartition partition, long from, long end) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(MARKER_CHECK).records(partition)) {
            if (record.offset() < end) {
                return true;
            }
        }
        return consumer.position(partition, REQUEST_TIMEOUT) < end;
    }

    /** From any thread: a blocking call of the probe's thread returns at once (with an exception). */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
