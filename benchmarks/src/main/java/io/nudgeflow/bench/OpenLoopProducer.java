package io.nudgeflow.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends at a fixed rate on a schedule fixed in advance (open loop). Each record carries the instant it was
 * <em>meant</em> to be sent, so when the system under test pushes back, the delay counts as latency instead
 * of silently stretching the schedule (no coordinated omission).
 */
final class OpenLoopProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    final AtomicLong sendErrors = new AtomicLong();

    OpenLoopProducer(String bootstrap) {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 0, "acks", "1",
                "max.in.flight.requests.per.connection", 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@code rate} events per second for {@code seconds}; returns how many were sent. */
    long run(Workload workload, String topic, int rate, double seconds) {
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long count = (long) (rate * seconds);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (long i = 0; i < count; i++) {
            long intended = start + i * period;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                // park, never spin: at 10k events/s a spinning generator took a whole core of the two from the
                // jobs. A late wake-up sends the events that came due at once; each still carries its intended
                // time, so the job is charged for the delay (no coordinated omission).
                LockSupport.parkNanos(wait);
            }
            send(topic, workload.next(System.currentTimeMillis(), intended));
        }
        producer.flush();
        return count;
    }

    /** As fast as the producer goes: to pre-load a topic for the throughput runs. */
    void burst(Workload workload, String topic, long count) {
        for (long i = 0; i < count; i++) {
            send(topic, workload.next(System.currentTimeMillis(), System.nanoTime()));
        }
        producer.flush();
    }

    void send(String topic, Workload.Record record) {
        producer.send(new ProducerRecord<>(topic, record.key(), record.value()), (meta, error) -> {
            if (error != null) {
                sendErrors.incrementAndGet();
            }
        });
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
