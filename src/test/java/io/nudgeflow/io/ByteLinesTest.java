package io.nudgeflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Replay's line splitting against a model: any bytes, numbered lines, nothing reinterpreted. */
class ByteLinesTest {
    private record Line(long number, List<Byte> bytes) {}

    private static List<Line> read(byte[] input) throws IOException {
        ByteLines lines = new ByteLines(new ByteArrayInputStream(input));
        List<Line> out = new ArrayList<>();
        for (byte[] line = lines.next(); line != null; line = lines.next()) {
            out.add(new Line(lines.number(), boxed(line)));
        }
        return out;
    }

    /** The model: split at \n, number from 1, cut at the cap, drop one \r before \n, leave out blank lines. */
    private static List<Line> model(byte[] input) {
        List<Line> out = new ArrayList<>();
        int start = 0;
        long number = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length && start == input.length) {
                break; // no line after a final \n (or in an empty input)
            }
            if (i == input.length || input[i] == '\n') {
                number++;
                byte[] line = Arrays.copyOfRange(input, start, Math.min(i, start + ByteLines.MAX_LINE_BYTES));
                if (line.length > 0 && line.length < ByteLines.MAX_LINE_BYTES && line[line.length - 1] == '\r') {
                    line = Arrays.copyOf(line, line.length - 1);
                }
                boolean blank = true;
                for (byte b : line) {
                    blank &= b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0B;
                }
                if (!blank) {
                    out.add(new Line(number, boxed(line)));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static List<Byte> boxed(byte[] bytes) {
        List<Byte> list = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    @Property
    void anyBytesSplitAsTheModelSplitsThem(@ForAll("lineish") byte[] input) throws IOException {
        assertThat(read(input)).isEqualTo(model(input));
    }

    @Provide
    Arbitrary<byte[]> lineish() {
        // mostly the bytes that matter to splitting, some of any value
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of((byte) '\n', (byte) '\r', (byte) ' ', (byte) '\t', (byte) 0, (byte) 0xFF)),
                net.jqwik.api.Tuple.of(5, Arbitraries.bytes()));
        return b.list().ofMaxSize(200).map(list -> {
            byte[] bytes = new byte[list.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = list.get(i);
            }
            return bytes;
        });
    }

    @Test
    void aGiantLineIsCutAtTheCapAndTheNextLineKeepsItsNumber() throws IOException {
        byte[] giant = new byte[5 * ByteLines.MAX_LINE_BYTES];
        Arrays.fill(giant, (byte) 'x');
        byte[] input = new byte[giant.length + 4];
        System.arraycopy(giant, 0, input, 0, giant.length);
        input[giant.length] = '\n';
        input[giant.length + 1] = 'a';
        input[giant.length + 2] = '\r';
        input[giant.length + 3] = '\n';

        List<Line> lines = read(input);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).bytes()).hasSize(ByteLines.MAX_LINE_BYTES);
        assertThat(lines.get(1)).isEqualTo(new Line(2, List.of((byte) 'a')));
    }
}
