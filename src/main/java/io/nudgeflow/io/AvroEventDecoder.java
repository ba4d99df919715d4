package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Avro single-object encoding (marker C3 01 + the writer schema's 64-bit fingerprint, little-endian + body),
 * as on the user-events topic. Read here rather than with Avro's {@code BinaryMessageDecoder}, which ignores
 * bytes after the record: a record with trailing bytes is not one event, it is rejected.
 *
 * <p>A record written with another version of the schema is read by Avro's schema resolution from its writer
 * schema ({@link WriterSchemas}: the history in the jar, or a directory of producers' schemas) to today's:
 * fields it lacks take their defaults, fields it adds are skipped. An unknown or incompatible writer schema is
 * a dead letter whose reason names the fingerprint.
 */
public final class AvroEventDecoder implements EventDecoder {
    private static final long serialVersionUID = 1L;
    private static final int HEADER_BYTES = 10;
    private static final long CURRENT = WriterSchemas.fingerprint(UserEvent.getClassSchema());

    private final WriterSchemas schemas;
    /** Made where the decoder runs (it is shipped to each subtask serialized); one thread per instance. */
    private transient Map<Long, SpecificDatumReader<UserEvent>> readers;
    private transient BinaryDecoder decoder;

    /** Reads today's schema and the history shipped in the jar. */
    public AvroEventDecoder() {
        this(WriterSchemas.builtIn());
    }

    public AvroEventDecoder(WriterSchemas schemas) {
        this.schemas = schemas;
    }

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
        SpecificDatumReader<UserEvent> reader = readerFor(fingerprint);
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

    private SpecificDatumReader<UserEvent> readerFor(long fingerprint) throws BadEventException {
        if (readers == null) {
            readers = new HashMap<>();
            readers.put(CURRENT, new SpecificDatumReader<>(UserEvent.class));
        }
        SpecificDatumReader<UserEvent> reader = readers.get(fingerprint);
        if (reader == null) {
            reader = new SpecificDatumReader<>(schemas.writerSchema(fingerprint), UserEvent.getClassSchema());
            readers.put(fingerprint, reader);
        }
        return reader;
    }
}
