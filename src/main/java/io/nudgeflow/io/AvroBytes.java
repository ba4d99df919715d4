package io.nudgeflow.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Avro single-object encoding as a byte array, the form Kafka records carry. */
public final class AvroBytes {
    private AvroBytes() {}

    public static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** One encoder per record class: building one computes the schema fingerprint, which is costly. */
    private static final ConcurrentHashMap<Class<?>, BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ConcurrentHashMap<>();

    /** Encodes one record (Avro's message encoders are thread-safe). */
    public static byte[] singleObject(SpecificRecord record) {
        BinaryMessageEncoder<SpecificRecord> encoder = ENCODERS.computeIfAbsent(record.getClass(),
                type -> new BinaryMessageEncoder<>(SpecificData.getForClass(type), record.getSchema()));
        try {
            return toArray(encoder.encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
