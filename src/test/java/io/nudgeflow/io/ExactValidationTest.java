package io.nudgeflow.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.pipeline.ReplayJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 12, exact validation: one rule each, the same for replay and live (one validator class serves both). */
class ExactValidationTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final EventValidator LIVE = EventValidator.live(java.time.Duration.ofHours(1));
    private static final EventValidator REPLAY = EventValidator.replay();

    private static UserEvent.Builder event() {
        return UserEvent.newBuilder().setEventId("e1").setUserId("u1").setEventType("app_open")
                .setEventTime(NOW.minusSeconds(60)).setTimezone(null).setValue(null).setProperties(Map.of());
    }

    private static Stream<EventValidator> bothModes() {
        return Stream.of(LIVE, REPLAY);
    }

    private static void validate(EventValidator v, UserEvent e) throws BadEventException {
        v.validate(e, NOW.toEpochMilli());
    }

    @Nested
    class AvroRecords {
        private final AvroEventDecoder decoder = new AvroEventDecoder();

        @Test
        void aValidRecordDecodes() throws Exception {
            assertThat(decoder.decode(AvroBytes.singleObject(event().build())).getUserId()).isEqualTo("u1");
        }

        @Test
        void aValidRecordFollowedByTrailingBytesIsRejected() {
            byte[] valid = AvroBytes.singleObject(event().build());
            byte[] trailing = Arrays.copyOf(valid, valid.length + 3);

            assertThatThrownBy(() -> decoder.decode(trailing)).isInstanceOf(BadEventException.class)
                    .hasMessageContaining("bytes after the end of the record");
        }

        @Test
        void anUnknownWriterSchemaIsNamedByItsFingerprint() {
            byte[] bytes = AvroBytes.singleObject(event().build());
            bytes[2] ^= 0x5A;

            assertThatThrownBy(() -> decoder.decode(bytes)).hasMessageMatching("UNDECODABLE: unknown writer schema fingerprint [0-9a-f]{16} \\(not in the schema history\\)");
        }

        @Test
        void invalidUtf8InAnIdIsRejectedNotMergedIntoAnotherUser() throws Exception {
            byte[] bytes = AvroBytes.singleObject(event().setUserId("uXu").build());
            int x = indexOf(bytes, (byte) 'X');
            bytes[x] = (byte) 0xFF; // not UTF-8: Avro reads it as U+FFFD
            UserEvent decoded = decoder.decode(bytes);

            assertThatThrownBy(() -> validate(LIVE, decoded)).hasMessage("INVALID_FIELD: user_id is not valid UTF-8 (holds U+FFFD)");
        }

        @Test
        void truncatedAndEmptyRecordsAreRejectedWithAReason() {
            byte[] valid = AvroBytes.singleObject(event().build());
            for (int length = 0; length < valid.length; length++) {
                byte[] cut = Arrays.copyOf(valid, length);
                assertThatThrownBy(() -> decoder.decode(cut)).as("cut to %d bytes", length)
                        .isInstanceOf(BadEventException.class).hasMessageStartingWith("UNDECODABLE");
            }
        }

        private static int indexOf(byte[] bytes, byte b) {
            for (int i = 10; i < bytes.length; i++) {
                if (bytes[i] == b) {
                    return i;
                }
            }
            throw new AssertionError("not found");
        }
    }

    @Nested
    class TimeZones {
        @ParameterizedTest
        @ValueSource(strings = {"Asia/Tokyo", "America/New_York", "UTC", "Etc/UTC", "Etc/GMT-9"})
        void ianaIdsAreAccepted(String zone) {
            bothModes().forEach(v -> assertThatCode(() -> validate(v, event().setTimezone(zone).build())).doesNotThrowAnyException());
        }

        @ParameterizedTest
        @ValueSource(strings = {"+05:00", "UTC+3", "GMT+03:00", "-0800", "Z", "Mars/Olympus_Mons", ""})
        void offsetsAndUnknownIdsAreRejected(String zone) {
            bothModes().forEach(v -> assertThatThrownBy(() -> validate(v, event().setTimezone(zone).build()))
                    .isInstanceOf(BadEventException.class).hasMessageContaining("is not an IANA zone id"));
        }
    }

    @Nested
    class EventTimes {
        private static Stream<Instant> implausible() {
            return Stream.of(Instant.ofEpochMilli(0), Instant.ofEpochMilli(-1), Instant.ofEpochMilli(Long.MIN_VALUE),
                    Instant.parse("1999-12-31T23:59:59.999Z"), Instant.parse("2200-01-01T00:00:00Z"));
        }

        @ParameterizedTest
        @MethodSource("implausible")
        void timesOutsideThePlausibleRangeAreRejectedInBothModes(Instant time) {
            // live: the future check alone would let every past time through
            bothModes().forEach(v -> assertThatThrownBy(() -> validate(v, event().setEventTime(time).build()))
                    .hasMessageStartingWith("INVALID_TIME: event_time"));
        }

        @Test
        void theFirstInstantOf2000IsAccepted() {
            bothModes().forEach(v -> assertThatCode(() -> validate(v, event().setEventTime(EventValidator.EARLIEST_EVENT_TIME).build()))
                    .doesNotThrowAnyException());
        }

        @ParameterizedTest
        @ValueSource(strings = {"100000000000000000000000000000", "9223372036854775808", "1e29", "-1e29"})
        void jsonNumbersThatDoNotFitEpochMillisecondsAreRejectedNotTruncated(String number) {
            byte[] line = ("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":" + number + "}")
                    .getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> new JsonEventDecoder().decode(line)).hasMessageStartingWith("INVALID_TIME");
        }
    }

    @Nested
    class Lengths {
        @Test
        void aUserIdOfAHundredEmojiIsAHundredCharacters() {
            String emoji = "\uD83D\uDE00".repeat(100); // 200 UTF-16 units
            bothModes().forEach(v -> assertThatCode(() -> validate(v, event().setUserId(emoji).build())).doesNotThrowAnyException());
        }

        @Test
        void aUserIdOverTheLimitInCharactersIsRejected() {
            String emoji = "\uD83D\uDE00".repeat(EventValidator.MAX_USER_ID_CHARS + 1);
            bothModes().forEach(v -> assertThatThrownBy(() -> validate(v, event().setUserId(emoji).build()))
                    .hasMessageContaining("user_id must be 1..128 characters"));
        }
    }

    @Nested
    class ReplayFiles {
        @Test
        void aLineThatIsNotUtf8NeitherStopsNorMovesTheEndOfReplay(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("events.jsonl");
            byte[] good = "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T10:00:00Z\"}\n"
                    .getBytes(StandardCharsets.UTF_8);
            byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
            byte[] implausible = "{\"event_id\":\"e2\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":\"2999-01-01T00:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8);
            Files.write(file, concat(good, bad, implausible));

            assertThat(ReplayJob.largestEventTime(file)).hasValue(Instant.parse("2026-03-02T10:00:00Z").toEpochMilli());
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {" {\"a\": 1}", "x", " 1", "\u0000"})
        void aJsonLineWithAnythingAfterItsObjectIsRejected(String after) {
            String line = "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T10:00:00Z\"}";

            assertThatThrownBy(() -> new JsonEventDecoder().decode((line + after).getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(BadEventException.class).hasMessageStartingWith("UNDECODABLE: not JSON");
        }

        @Test
        void aJsonLineThatIsNotUtf8IsRejectedNotReadAsReplacementCharacters() {
            byte[] line = "{\"event_id\":\"e1\",\"user_id\":\"u?\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T10:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8);
            line[new String(line, StandardCharsets.UTF_8).indexOf('?')] = (byte) 0xFF;

            assertThatThrownBy(() -> new JsonEventDecoder().decode(line))
                    .isInstanceOf(BadEventException.class).hasMessageStartingWith("UNDECODABLE: not JSON");
        }

        @Test
        void anUnpairedSurrogateEscapeIsRejectedInIdsAndProperties() throws Exception {
            JsonEventDecoder json = new JsonEventDecoder();
            UserEvent inId = json.decode("{\"event_id\":\"e\\uD800\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T10:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8));
            UserEvent inProperty = json.decode(("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T10:00:00Z\","
                    + "\"properties\":{\"k\":\"\\uDC00x\"}}").getBytes(StandardCharsets.UTF_8));
            UserEvent paired = json.decode("{\"event_id\":\"\\uD83D\\uDE00\",\"user_id\":\"u1\",\"event_type\":\"app_open\",\"event_time\":\"2026-03-02T10:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8));

            assertThatThrownBy(() -> validate(EventValidator.replay(), inId)).hasMessage(
                    "INVALID_FIELD: event_id is not valid Unicode text (an unpaired surrogate)");
            assertThatThrownBy(() -> validate(EventValidator.replay(), inProperty)).hasMessage(
                    "INVALID_FIELD: property 'k' is not valid Unicode text (an unpaired surrogate)");
            validate(EventValidator.replay(), paired); // an emoji written as a surrogate pair escape is fine
        }

        private static byte[] concat(byte[]... parts) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }
}
