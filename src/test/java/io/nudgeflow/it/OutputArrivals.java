package io.nudgeflow.it;

import io.nudgeflow.io.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When the live job's outputs reach Kafka, as a subscriber sees them: a consumer on the three output topics
 * notes the wall clock of every record it receives, so the gap in output after a disruption can be measured
 * (a figure for the notes; timings are not asserted in tests).
 */
final class OutputArrivals implements AutoCloseable {
    private final NavigableSet<Long> arrivals = new ConcurrentSkipListSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;

    OutputArrivals(String bootstrapServers, Topics topics) {
        poller = new Thread(() -> poll(bootstrapServers, topics), "output-arrivals");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll(String bootstrapServers, Topics topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "isolation.level", "read_uncommitted"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Outputs.outputPartitions(consumer, topics);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (running.get()) {
                int received = consumer.poll(Duration.ofMillis(50)).count();
                long now = System.currentTimeMillis();
                for (int i = 0; i < received; i++) {
                    arrivals.add(now * 1_000 + i); // distinct entries for records received together
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The longest stretch without output in the {@code windowMs} after {@code instant}, in ms: after a kill, the
     * time until the restored job's first output (records the dead process wrote just before it died may still
     * arrive in the first milliseconds, so this is not simply the first arrival after the instant).
     */
    long longestSilenceAfter(long instant, long windowMs) {
        long previous = instant;
        long longest = 0;
        for (long arrival : arrivals.subSet(instant * 1_000, (instant + windowMs) * 1_000)) {
            longest = Math.max(longest, arrival / 1_000 - previous);
            previous = arrival / 1_000;
        }
        return longest;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        poller.join(10_000);
    }
}
