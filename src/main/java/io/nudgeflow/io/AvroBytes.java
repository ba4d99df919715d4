package io.nudgeflow.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

    /** Encodes one record; producers on a hot path keep a {@link BinaryMessageEncoder} instead. */
    public static byte[] singleObject(SpecificRecord record) {
        SpecificData model = SpecificData.getForClass(record.getClass());
        try {
            return toArray(new BinaryMessageEncoder<SpecificRecord>(model, record.getSchema()).encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
