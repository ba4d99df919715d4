package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer schemas of {@code UserEvent} the job can read, by their 64-bit parsing fingerprint (the one in
 * each record's single-object header): the schema history shipped in the jar ({@code avro/history}, every
 * version this project released) and, optionally, a directory of {@code *.avsc} files that producers' newer
 * schemas are dropped into ({@code run --writer-schemas DIR}). The directory is read again when a record
 * names a fingerprint not known yet — at most every {@link #RESCAN_EVERY_SECONDS} s, so a flood of unknown
 * records costs no file-system traffic — so a schema added while the job runs is picked up without a restart.
 *
 * <p>Each instance is used by one thread (the source reader that decodes); it ships to the subtasks serialized,
 * holding only the directory's name.
 */
public final class WriterSchemas implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WriterSchemas.class);
    static final long RESCAN_EVERY_SECONDS = 10;
    /** Resources {@code schemas/UserEvent.v1.avsc}, {@code .v2}, ...: the history, oldest first. */
    private static final String HISTORY = "/schemas/UserEvent.v%d.avsc";

    private final String directory;
    private final long rescanEveryNanos;
    private transient Map<Long, Schema> known;
    /** Why each schema seen that cannot be read as today's failed: checked once per schema, not per record. */
    private transient Map<Long, String> incompatible;
    private transient long lastScanNanos;

    private WriterSchemas(String directory, long rescanEveryNanos) {
        this.directory = directory;
        this.rescanEveryNanos = rescanEveryNanos;
    }

    /** The schema history of the jar only. */
    public static WriterSchemas builtIn() {
        return new WriterSchemas(null, 0);
    }

    /**
     * The history plus every {@code *.avsc} in {@code directory}.
     *
     * @throws IllegalArgumentException when it is not a readable directory or a file in it is not a schema
     */
    public static WriterSchemas withDirectory(Path directory) {
        return withDirectory(directory, java.time.Duration.ofSeconds(RESCAN_EVERY_SECONDS));
    }

    /** @param rescanEvery how often, at most, an unknown fingerprint makes the directory be read again */
    static WriterSchemas withDirectory(Path directory, java.time.Duration rescanEvery) {
        WriterSchemas schemas = new WriterSchemas(directory.toAbsolutePath().toString(), rescanEvery.toNanos());
        Map<Long, Schema> found = new HashMap<>();
        scan(directory, found, true); // at start-up a bad file is the operator's error, said at once
        return schemas;
    }

    /** The directory read besides the history, or null. */
    public String directory() {
        return directory;
    }

    /**
     * The writer schema of this fingerprint.
     *
     * @throws BadEventException when no schema has it, or when it cannot be read as today's {@code UserEvent}
     */
    Schema writerSchema(long fingerprint) throws BadEventException {
        if (known == null) {
            known = history();
            incompatible = new HashMap<>();
            rescan();
        }
        String why = incompatible.get(fingerprint);
        if (why != null) {
            throw new BadEventException(why);
        }
        Schema schema = known.get(fingerprint);
        if (schema == null && directory != null
                && System.nanoTime() - lastScanNanos >= rescanEveryNanos) {
            rescan();
            schema = known.get(fingerprint);
        }
        if (schema == null) {
            throw new BadEventException(String.format("UNDECODABLE: unknown writer schema fingerprint %016x "
                    + "(not in the schema history%s)", fingerprint, directory == null ? "" : " nor in " + directory));
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(UserEvent.getClassSchema(), schema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            why = String.format("UNDECODABLE: writer schema %016x cannot be read as UserEvent: %s",
                    fingerprint, compatibility.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                            .reduce((a, b) -> a + "; " + b).orElse(compatibility.getDescription()));
            incompatible.put(fingerprint, why);
            throw new BadEventException(why);
        }
        return schema;
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private void rescan() {
        lastScanNanos = System.nanoTime();
        if (directory != null) {
            scan(Path.of(directory), known, false);
        }
    }

    /** The jar's history and today's schema. */
    static Map<Long, Schema> history() {
        Map<Long, Schema> schemas = new HashMap<>();
        schemas.put(fingerprint(UserEvent.getClassSchema()), UserEvent.getClassSchema());
        for (int version = 1; ; version++) {
            try (InputStream in = WriterSchemas.class.getResourceAsStream(String.format(HISTORY, version))) {
                if (in == null) {
                    return schemas;
                }
                Schema schema = new Schema.Parser().parse(in);
                schemas.put(fingerprint(schema), schema);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @param strict throw on an unreadable directory or file (start-up) instead of logging it (a running job) */
    private static void scan(Path directory, Map<Long, Schema> into, boolean strict) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.avsc")) {
            for (Path file : files) {
                try {
                    Schema schema = new Schema.Parser().parse(file.toFile());
                    into.putIfAbsent(fingerprint(schema), schema);
                } catch (IOException | RuntimeException e) {
                    if (strict) {
                        throw new IllegalArgumentException("writer schema " + file + " cannot be read: " + e.getMessage(), e);
                    }
                    LOG.warn("Skipping writer schema {}: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            if (strict) {
                throw new IllegalArgumentException("writer schema directory " + directory + " cannot be read: " + e, e);
            }
            LOG.warn("Cannot read the writer schema directory {}: {}", directory, e.toString());
        }
    }
}
