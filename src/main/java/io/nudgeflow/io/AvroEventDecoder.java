package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import java.io.IOException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Avro single-object encoding (marker C3 01 + the writer schema's 64-bit fingerprint, little-endian + body),
 * as on the user-events topic. Read here rather than with Avro's {@code BinaryMessageDecoder}, which ignores
 * bytes after the record: a record with trailing bytes is not one event, it is rejected.
 */
public final class AvroEventDecoder implements EventDecoder {
    private static final int HEADER_BYTES = 10;
    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(UserEvent.getClassSchema());
    /** Made where the decoder runs (it is shipped to each subtask serialized); one thread per instance. */
    private transient SpecificDatumReader<UserEvent> reader;
    private transient BinaryDecoder decoder;

    @Override
    public UserEvent decode(byte[] bytes) throws BadEventException {
        if (bytes == null || bytes.length == 0) {
            throw new BadEventException("UNDECODABLE: empty record value");
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new BadEventException("UNDECODABLE: not Avro single-object encoding (no C3 01 marker and fingerprint)");
        }
        long fingerprint = 0;
        for (int i = HEADER_BYTES - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        if (fingerprint != FINGERPRINT) {
            throw new BadEventException("UNDECODABLE: unknown writer schema fingerprint "
                    + String.format("%016x", fingerprint));
        }
        if (reader == null) {
            reader = new SpecificDatumReader<>(UserEvent.class);
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, decoder);
        UserEvent event;
        try {
            event = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new BadEventException("UNDECODABLE: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            if (!decoder.isEnd()) {
                throw new BadEventException("UNDECODABLE: bytes after the end of the record");
            }
        } catch (IOException e) {
            throw new BadEventException("UNDECODABLE: " + e.getMessage());
        }
        return event;
    }
}
