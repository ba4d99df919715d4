package io.nudgeflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.StageChange;
import io.nudgeflow.domain.UserEngine;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzing the input path (issue 12): any bytes through the Avro decoder, any text through the JSON decoder,
 * each followed by the validator as the job runs them ({@link EventIntake}). Every input either becomes a
 * valid event — which the engine then applies — or is rejected with a reason of the documented codes; no
 * exception ever leaves the intake. The statistics of each property (printed in the test report) count the
 * outcomes by reason. CI runs the default tries; {@code -Djqwik.tries.default=100000} fuzzes longer.
 */
class DecoderFuzzTest {
    private static final List<String> CODES = List.of("UNDECODABLE", "MISSING_FIELD", "INVALID_FIELD", "INVALID_TIME",
            "FUTURE_EVENT_TIME", "OVERSIZED");
    private static final long NOW = Instant.parse("2026-12-03T12:00:00Z").toEpochMilli();
    private static final EventValidator VALIDATOR = EventValidator.live(Duration.ofHours(1));
    private static final UserEngine ENGINE = new UserEngine(RuleSetParser.loadDefault());

    /** Valid records to start mutations from: plain, with every field, with non-ASCII text. */
    private static final List<UserEvent> SEEDS = List.of(
            event("e1", "u1", "lesson_completed", null, null, Map.of()),
            event("purchase-7", "user-42", "purchase", "America/New_York", 19.99, Map.of("sku", "A-1", "coupon", "x")),
            event("é-😀", "ユーザー", "like", "Asia/Tokyo", -0.0, Map.of("ключ", "значение", "emoji", "😀😀")));

    private static UserEvent event(String id, String user, String type, String zone, Double value, Map<String, String> props) {
        return UserEvent.newBuilder().setEventId(id).setUserId(user).setEventType(type)
                .setEventTime(Instant.ofEpochMilli(NOW - 60_000)).setTimezone(zone).setValue(value).setProperties(props)
                .build();
    }

    /** Runs one record through the intake; returns "valid" or its reason code, failing on anything else. */
    private static String intake(EventDecoder decoder, byte[] value) {
        RawEvent raw = new RawEvent();
        raw.key = "k".getBytes(StandardCharsets.UTF_8);
        raw.value = value;
        new EventIntake(decoder, VALIDATOR, ClockScale.REAL).check(raw, NOW);
        if (raw.event != null) {
            assertThat(raw.rejection).isNull();
            // a valid event is one the engine can apply
            ENGINE.onEvent(null, raw.event, NOW, new io.nudgeflow.domain.EngineOutput() {
                @Override
                public void trigger(io.nudgeflow.domain.FiredTrigger trigger) {}

                @Override
                public void outcome(io.nudgeflow.domain.Outcome outcome) {}

                @Override
                public void stageChange(StageChange change) {}
            });
            return "valid";
        }
        assertThat(raw.rejection).as("a rejection has a reason").isNotBlank();
        String code = raw.rejection.contains(":") ? raw.rejection.substring(0, raw.rejection.indexOf(':')) : raw.rejection;
        assertThat(code).as(raw.rejection).isIn(CODES);
        return code;
    }

    @Property
    void anyBytesAreAnAvroEventOrARejectionWithAReason(@ForAll byte[] bytes) {
        Statistics.label("random bytes").collect(intake(new AvroEventDecoder(), bytes));
    }

    @Property
    void aMutatedAvroRecordIsAnEventOrARejectionWithAReason(@ForAll @IntRange(min = 0, max = 2) int seed,
            @ForAll @IntRange(min = 1, max = 6) int mutations, @ForAll long random, @ForAll boolean keepHeader) {
        byte[] bytes = mutate(AvroBytes.singleObject(SEEDS.get(seed)), mutations, new SplittableRandom(random),
                keepHeader ? 10 : 0);
        Statistics.label("mutated avro").collect(intake(new AvroEventDecoder(), bytes));
    }

    @Property
    void anyTextIsAJsonEventOrARejectionWithAReason(@ForAll("jsonish") String line) {
        Statistics.label("random text").collect(intake(new JsonEventDecoder(), line.getBytes(StandardCharsets.UTF_8)));
    }

    @Property
    void aMutatedJsonLineIsAnEventOrARejectionWithAReason(@ForAll @IntRange(min = 0, max = 2) int seed,
            @ForAll @IntRange(min = 1, max = 6) int mutations, @ForAll long random) {
        byte[] line = JsonLines.toJson(SEEDS.get(seed)).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = mutate(line, mutations, new SplittableRandom(random), 0);
        Statistics.label("mutated json").collect(intake(new JsonEventDecoder(), bytes));
    }

    /** Strings built from JSON's own characters, numbers and unicode: a fuzzer that reaches the parser's branches. */
    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> tokens = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "null", "true", "false", "-", "e", ".", " ",
                        "\"event_id\"", "\"user_id\"", "\"event_type\"", "\"event_time\"", "\"timezone\"", "\"value\"",
                        "\"properties\"", "\"2026-12-03T11:00:00Z\"", "1764759600000", "1e29", "9223372036854775808",
                        "\"Europe/Berlin\"", "\"+05:00\"", "\uD83D\uDE00", "\uFFFD", "\u0000", "\n"),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf));
        return tokens.list().ofMaxSize(40).map(parts -> String.join("", parts));
    }

    /**
     * Applies random byte mutations from {@code from} on: flip a bit, set a byte (often to a boundary value),
     * delete, insert, duplicate a stretch, or cut the tail.
     */
    static byte[] mutate(byte[] input, int mutations, SplittableRandom random, int from) {
        byte[] bytes = input.clone();
        for (int m = 0; m < mutations && bytes.length > from; m++) {
            int at = from + random.nextInt(bytes.length - from);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) new int[] {0, 1, 0x7F, 0x80, 0xFF, 0xC3, '"', '{'}[random.nextInt(8)];
                case 2 -> bytes = splice(bytes, at, 1, new byte[0]);
                case 3 -> bytes = splice(bytes, at, 0, new byte[] {(byte) random.nextInt(256)});
                case 4 -> {
                    int len = Math.min(bytes.length - at, 1 + random.nextInt(16));
                    bytes = splice(bytes, at, 0, java.util.Arrays.copyOfRange(bytes, at, at + len));
                }
                default -> bytes = java.util.Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }
}
