package io.nudgeflow.io;

/**
 * An input record before decoding: the bytes exactly as they arrived and where they came from. Kept
 * undecoded so that bad bytes reach the dead-letter topic unchanged instead of failing the source.
 * A Flink POJO (public fields, no-arg constructor), so no Kryo is involved.
 */
public class RawEvent {
    public byte[] key;
    public byte[] value;
    /** Kafka topic, or the input file in replay. */
    public String source;
    public int partition;
    /** Kafka offset, or the 1-based line number in replay. */
    public long offset;
    /**
     * Set where the record is read ({@link EventIntake}): the validated event, or why the record is unusable.
     * Transient: they live only between the source and the operator chained to it; a copy that went through
     * Flink's serializer is checked again.
     */
    public transient io.nudgeflow.domain.Event event;
    public transient String rejection;

    public RawEvent() {}

    /** Whether {@link EventIntake} has looked at this record yet. */
    public boolean checked() {
        return event != null || rejection != null;
    }

    public RawEvent(byte[] key, byte[] value, String source, int partition, long offset) {
        this.key = key;
        this.value = value;
        this.source = source;
        this.partition = partition;
        this.offset = offset;
    }
}
