package io.nudgeflow.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/** Records as producers on other versions of a schema write them (test resources under {@code /schemas}). */
public final class OtherSchemaVersions {
    private OtherSchemaVersions() {}

    /** A schema from the test resources or the jar's history, e.g. {@code /schemas/UserEvent-next.avsc}. */
    public static Schema schema(String resource) {
        try (InputStream in = OtherSchemaVersions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Single-object encoded with {@code schema}'s fingerprint; fields not given take their defaults, enum
     * fields may be given as their symbol.
     */
    public static byte[] written(Schema schema, Map<String, Object> fields) {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            Object value = fields.containsKey(f.name()) ? fields.get(f.name()) : GenericData.get().getDefaultValue(f);
            if (f.schema().getType() == Schema.Type.ENUM && value instanceof String s) {
                value = new GenericData.EnumSymbol(f.schema(), s);
            }
            record.put(f.name(), value);
        }
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
