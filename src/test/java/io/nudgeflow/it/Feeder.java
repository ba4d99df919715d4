package io.nudgeflow.it;

import io.nudgeflow.demo.Population;
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

/** Produces events to user-events (Avro single-object, keyed by user) as a population of devices would. */
final class Feeder implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;
    private final String topic;

    Feeder(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        // Not idempotent: a feed then needs no producer id from the broker's controller first. A backfill's
        // sends once all expired waiting on partition 0 (about one run in three on the 2-core CI machine, never
        // reproduced in isolation); one request in flight keeps the order, and a retry's duplicate has the same
        // event id, which the job ignores as a redelivery.
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 0, "acks", "all",
                "enable.idempotence", false, "max.in.flight.requests.per.connection", 1),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** All at once, as a backfill or a backlog that waits for the job. */
    void sendAll(List<Population.Scheduled> events) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        for (Population.Scheduled s : events) {
            sent.add(send(s));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> f : sent) {
            try {
                f.get(); // a failed send fails the test, it is not lost silently
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("could not produce to " + topic + "; the broker says " + partitions(), e);
            }
        }
    }

    /** Where the topic's partitions are led from, as the broker sees it now: for a failed send's message. */
    private String partitions() {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", bootstrapServers, "request.timeout.ms", 10_000, "default.api.timeout.ms", 10_000))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions().toString();
        } catch (Exception e) {
            return "nothing (" + e + ")";
        }
    }

    /** Each event when the wall clock reaches its time, on another thread; the future fails if a send does. */
    java.util.concurrent.CompletableFuture<Void> sendInTimeInBackground(List<Population.Scheduled> events) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                sendInTime(events, ClockScale.REAL);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Each event when the clock reaches its time (the wall clock, or the demo's compressed one). */
    void sendInTime(List<Population.Scheduled> events, ClockScale clock) throws Exception {
        for (Population.Scheduled s : events) {
            long due = clock.toWall(s.time());
            while (System.currentTimeMillis() < due) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(5, due - System.currentTimeMillis())));
            }
            send(s).get();
        }
    }

    private java.util.concurrent.Future<?> send(Population.Scheduled s) {
        return producer.send(new ProducerRecord<>(topic, s.event().getUserId().getBytes(StandardCharsets.UTF_8),
                AvroBytes.singleObject(s.event())));
    }

    @Override
    public void close() {
        producer.close();
    }
}
