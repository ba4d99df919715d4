package io.nudgeflow.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Greps a checkpoint or savepoint directory's bytes, every file of it ({@code _metadata} with its inlined
 * state, shared and exclusive SST files), or a RocksDB directory's, for traces of a user (RocksDB's own info
 * logs aside). Files that Flink deletes while this reads are
 * skipped: they are gone.
 */
public final class CheckpointAudit {
    private CheckpointAudit() {}

    /** The files under {@code dir} holding any of the byte strings. */
    public static List<Path> filesHolding(Path dir, byte[][] needles) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".log")
                    && !f.getFileName().toString().startsWith("LOG")).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (NoSuchFileException deletedMeanwhile) {
                    continue;
                }
                for (byte[] needle : needles) {
                    if (indexOf(bytes, needle) >= 0) {
                        out.add(file);
                        break;
                    }
                }
            }
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            return filesHolding(dir, needles); // a directory went away mid-walk: look again
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
