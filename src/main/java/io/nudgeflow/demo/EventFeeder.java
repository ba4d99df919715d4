package io.nudgeflow.demo;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.io.AvroBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes the population's events to user-events when the demo clock reaches them (Avro single-object,
 * keyed by user id), plus one malformed record every {@code badEvery} events to show the dead-letter path.
 */
final class EventFeeder implements Runnable {
    private final String bootstrapServers;
    private final String topic;
    private final ClockScale clock;
    private final List<Population.Scheduled> schedule;
    private final int badEvery;
    private volatile boolean stopped;
    volatile int sent;

    EventFeeder(String bootstrapServers, String topic, ClockScale clock, List<Population.Scheduled> schedule, int badEvery) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.clock = clock;
        this.schedule = schedule;
        this.badEvery = badEvery;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrapServers, "linger.ms", 0, "acks", "1"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Population.Scheduled next : schedule) {
                long dueWall = clock.toWall(next.time());
                while (!stopped && System.currentTimeMillis() < dueWall) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(50, dueWall - System.currentTimeMillis())));
                }
                if (stopped) {
                    return;
                }
                byte[] key = next.event().getUserId().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, AvroBytes.toArray(next.event().toByteBuffer())));
                if (++sent % badEvery == 0) {
                    producer.send(new ProducerRecord<>(topic, key, "{not avro at all}".getBytes(StandardCharsets.UTF_8)));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
