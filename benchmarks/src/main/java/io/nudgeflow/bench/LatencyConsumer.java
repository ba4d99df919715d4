package io.nudgeflow.bench;

import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.UserEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * An external consumer, as a downstream service would be: it reads the output topic and records, for each
 * record, now minus the intended send time carried in it, in microseconds. Records sent before
 * {@code measureFromNanos} (the warm-up) are counted but not recorded.
 */
final class LatencyConsumer implements Runnable, AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ToLongFunction<byte[]> sentNanos;
    final Histogram micros = new Histogram(TimeUnitMicros.HOUR, 3);
    /** The measured samples split at {@link #markNanos} (a rule switch): sent before it, and sent after it. */
    final Histogram beforeMark = new Histogram(TimeUnitMicros.HOUR, 3);
    final Histogram afterMark = new Histogram(TimeUnitMicros.HOUR, 3);
    volatile long markNanos = Long.MAX_VALUE;
    /** Samples sent after the mark and no later than this go to {@link #afterMark}. */
    volatile long markEndNanos = Long.MAX_VALUE;
    volatile long measureFromNanos = Long.MAX_VALUE;
    volatile long received;
    /** The worst latency (µs) among records sent in each second of the measurement: where the tail comes from. */
    private final long[] worstBySecond = new long[3600];
    /** The same for the warm-up: a start-up backlog, or a stall that outlasts it, shows there. */
    private final long[] worstByWarmupSecond = new long[3600];
    volatile long warmupFromNanos = Long.MAX_VALUE;
    private volatile boolean stopped;

    private LatencyConsumer(String bootstrap, String topic, ToLongFunction<byte[]> sentNanos) {
        this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "bench-" + topic,
                "auto.offset.reset", "earliest", "fetch.max.wait.ms", 10,
                "isolation.level", Jobs.EXACTLY_ONCE ? "read_committed" : "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.sentNanos = sentNanos;
    }

    /** Reads the events themselves (Kafka only and the passthrough jobs). */
    static LatencyConsumer ofEvents(String bootstrap, String topic) {
        return new LatencyConsumer(bootstrap, topic, value -> sent(decodeEvent(value).getProperties().get(Workload.SENT_NANOS)));
    }

    /** Reads Nudgeflow's triggers; only the probe rule's triggers carry a send time. */
    static LatencyConsumer ofTriggers(String bootstrap, String topic) {
        return new LatencyConsumer(bootstrap, topic, value -> sent(decodeTrigger(value).getAttributes().get(Workload.SENT_NANOS)));
    }

    /** Polls until the consumer has its partitions, so that no output is missed at the start. */
    LatencyConsumer ready() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumer got no partitions within 30 s");
            }
            consumer.poll(Duration.ofMillis(50)).forEach(this::record);
        }
        return this;
    }

    @Override
    public void run() {
        while (!stopped) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                record(r);
            }
        }
    }

    private void record(ConsumerRecord<byte[], byte[]> r) {
        long now = System.nanoTime();
        long sent = sentNanos.applyAsLong(r.value());
        if (sent == Long.MIN_VALUE) {
            return;
        }
        received++;
        if (sent >= measureFromNanos) {
            long latency = Math.max(0, (now - sent) / 1000);
            micros.recordValue(latency);
            if (sent < markNanos) {
                beforeMark.recordValue(latency);
            } else if (sent <= markEndNanos) {
                afterMark.recordValue(latency);
            }
            int second = (int) Math.min(worstBySecond.length - 1, (sent - measureFromNanos) / 1_000_000_000L);
            worstBySecond[second] = Math.max(worstBySecond[second], latency);
        } else if (sent >= warmupFromNanos) {
            int second = (int) Math.min(worstByWarmupSecond.length - 1, (sent - warmupFromNanos) / 1_000_000_000L);
            worstByWarmupSecond[second] = Math.max(worstByWarmupSecond[second], Math.max(0, (now - sent) / 1000));
        }
    }

    String worstPerSecond() {
        return perSecond(worstBySecond, 1000);
    }

    String worstPerWarmupSecond() {
        return perSecond(worstByWarmupSecond, 1000);
    }

    /** The worst values in milliseconds, trailing empty seconds left out; {@code unitsPerMilli}: 1000 for µs. */
    static String perSecond(long[] worst, long unitsPerMilli) {
        int last = worst.length - 1;
        while (last > 0 && worst[last] == 0) {
            last--;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            s.append(i == 0 ? "" : " ").append(worst[i] / unitsPerMilli);
        }
        return s.toString();
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        consumer.close();
    }

    private static long sent(String value) {
        return value == null ? Long.MIN_VALUE : Long.parseLong(value);
    }

    static UserEvent decodeEvent(byte[] value) {
        try {
            return UserEvent.getDecoder().decode(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Trigger decodeTrigger(byte[] value) {
        try {
            return Trigger.getDecoder().decode(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final class TimeUnitMicros {
        static final long HOUR = 3_600_000_000L;
    }
}
