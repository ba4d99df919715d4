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

    public RawEvent() {}

    public RawEvent(byte[] key, byte[] value, String source, int partition, long offset) {
        this.key = key;
        this.value = value;
        this.source = source;
        this.partition = partition;
        this.offset = offset;
    }
}
