package io.nudgeflow.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a JSON-lines input as bytes, numbered from 1: split at {@code \n} only (a {@code \r} before it
 * is dropped, any other {@code \r} is data), so every reader of a file counts its lines alike, and so a line
 * that is not UTF-8 reaches the JSON decoder as it is — which rejects it — instead of being turned into
 * U+FFFD by a character reader. A line longer than {@link #MAX_LINE_BYTES} is cut there (it is oversized
 * whatever follows) and the rest of it skipped, so one giant line cannot exhaust memory.
 */
public final class ByteLines {
    /** One byte more than a record may have: enough to tell that the line is oversized. */
    static final int MAX_LINE_BYTES = EventValidator.MAX_RECORD_BYTES + 1;

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long number;

    /** @param in buffered by the caller */
    public ByteLines(InputStream in) {
        this.in = in;
    }

    /** The next line that is not blank (ASCII white space only), or null at the end of the input. */
    public byte[] next() throws IOException {
        while (true) {
            line.reset();
            int b = in.read();
            if (b == -1) {
                return null;
            }
            number++;
            while (b != '\n' && b != -1) {
                if (line.size() < MAX_LINE_BYTES) {
                    line.write(b);
                }
                b = in.read();
            }
            byte[] bytes = line.toByteArray();
            if (bytes.length > 0 && bytes[bytes.length - 1] == '\r' && bytes.length < MAX_LINE_BYTES) {
                bytes = Arrays.copyOf(bytes, bytes.length - 1);
            }
            if (!isBlank(bytes)) {
                return bytes;
            }
        }
    }

    /** The number of the line {@link #next} returned last. */
    public long number() {
        return number;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                return false;
            }
        }
        return true;
    }
}
