package io.nudgeflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.cli.NudgeflowCli;
import io.nudgeflow.io.ByteLines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Replay's file handling (issue 12): any byte sequence as the events file gives one {@code skipped FILE line
 * N: REASON} per line that is not a valid event, and a clean exit — never a stack trace. Each seed builds a
 * file from valid lines, JSON broken in many ways, invalid UTF-8, NULs, carriage returns, a byte-order mark,
 * an oversized line and random bytes; every non-blank line is then either replayed or reported, exactly once.
 */
class ReplayAnyBytesITCase {
    private static final Pattern SKIPPED = Pattern.compile(
            "skipped events\\.jsonl line (\\d+): (UNDECODABLE|MISSING_FIELD|INVALID_FIELD|INVALID_TIME|FUTURE_EVENT_TIME|OVERSIZED): .+");
    private static final Pattern SUMMARY = Pattern.compile("rule set .*, (\\d+) bad lines skipped");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void anyBytesGiveSkippedLinesWithReasonsOrACleanExit(long seed, @TempDir Path dir) throws IOException {
        GeneratedFile generated = randomFile(new SplittableRandom(seed));
        byte[] content = generated.bytes();
        Path events = dir.resolve("events.jsonl");
        Files.write(events, content);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = NudgeflowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("replay", "--events", events.toString(), "--out", dir.resolve("t.jsonl").toString());

        String stderr = err.toString();
        assertThat(stderr).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(exit).as(stderr).isZero();
        List<String> skipped = stderr.lines().filter(l -> l.startsWith("skipped")).toList();
        assertThat(skipped).allSatisfy(l -> assertThat(l).matches(SKIPPED));
        Matcher summary = SUMMARY.matcher(stderr);
        assertThat(summary.find()).as(stderr).isTrue();
        assertThat(Long.parseLong(summary.group(1))).isEqualTo(skipped.size());
        // every line reported is a non-blank line of the file, once each
        List<Long> numbers = skipped.stream().map(l -> { Matcher m = SKIPPED.matcher(l); m.matches(); return Long.parseLong(m.group(1)); }).toList();
        assertThat(numbers).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).isBetween(1L, (long) nonBlankLines(content).size() + blankLines(content)));
        assertThat(skipped).as("every non-blank line but the %d valid ones", generated.validLines())
                .hasSize(nonBlankLines(content).size() - generated.validLines());
    }

    private static final int VALID_LINES_AT_MOST = 12;

    private static List<byte[]> nonBlankLines(byte[] content) throws IOException {
        ByteLines lines = new ByteLines(new ByteArrayInputStream(content));
        List<byte[]> all = new java.util.ArrayList<>();
        for (byte[] l = lines.next(); l != null; l = lines.next()) {
            all.add(l);
        }
        return all;
    }

    private static long blankLines(byte[] content) {
        long newlines = 0;
        for (byte b : content) {
            newlines += b == '\n' ? 1 : 0;
        }
        return newlines + 1;
    }

    record GeneratedFile(byte[] bytes, int validLines) {}

    /** At most {@link #VALID_LINES_AT_MOST} valid lines; every other line is bad in some way (or blank). */
    static GeneratedFile randomFile(SplittableRandom random) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        if (random.nextBoolean()) {
            file.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a byte-order mark
        }
        int valid = 0;
        int lines = 10 + random.nextInt(30);
        for (int i = 0; i < lines; i++) {
            String good = "{\"event_id\": \"e" + i + "\", \"user_id\": \"u" + random.nextInt(3)
                    + "\", \"event_type\": \"lesson_completed\", \"event_time\": \"2026-03-0" + (1 + random.nextInt(5)) + "T10:00:00Z\"}";
            byte[] line = switch (random.nextInt(12)) {
                case 0 -> valid++ < VALID_LINES_AT_MOST ? bytes(good) : bytes("{");
                case 1 -> withByte(bytes(good), good.indexOf("\"u") + 1, (byte) 0xFF); // user_id not UTF-8
                case 2 -> bytes(good.substring(0, random.nextInt(good.length())));
                case 3 -> bytes(good.replace("\"2026", "1e29, \"x\": \"2026"));
                case 4 -> bytes(good + "\u0000");
                case 5 -> randomBytes(random, 1 + random.nextInt(80));
                case 6 -> bytes(good.replace("\"e" + i + "\"", "\"\\uD800\""));
                case 7 -> bytes("[" + good + "]");
                case 8 -> bytes(good + good);
                case 9 -> bytes("{\"event_id\": \"x\", \"user_id\": \"u\", \"event_type\": \"a\", \"event_time\": \"2026-03-01T10:00:00Z\", \"properties\": {\"k\": \""
                        + "v".repeat(70_000) + "\"}}");
                case 10 -> bytes(good.replace("\"2026-03", "\"1969-03"));
                default -> bytes(good.replace("}", ", \"timezone\": \"+05:00\"}"));
            };
            file.writeBytes(line);
            file.writeBytes(random.nextInt(5) == 0 ? bytes("\r\n") : random.nextInt(7) == 0 ? bytes("\n\n") : bytes("\n"));
        }
        if (random.nextBoolean()) {
            file.writeBytes(randomBytes(random, 20)); // no newline at the end
        }
        return new GeneratedFile(file.toByteArray(), Math.min(valid, VALID_LINES_AT_MOST));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withByte(byte[] bytes, int at, byte b) {
        bytes[at] = b;
        return bytes;
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        // at least one byte that no JSON text may hold, so the line is bad whatever the rest
        bytes[random.nextInt(n)] = (byte) 0xFF;
        return bytes;
    }
}
