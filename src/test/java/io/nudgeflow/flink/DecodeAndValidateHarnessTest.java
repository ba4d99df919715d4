package io.nudgeflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.io.AvroBytes;
import io.nudgeflow.io.AvroEventDecoder;
import io.nudgeflow.io.EventIntake;
import io.nudgeflow.io.DeadLetter;
import io.nudgeflow.io.RawEvent;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodeAndValidateHarnessTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private OneInputStreamOperatorTestHarness<RawEvent, Event> harness;

    @BeforeEach
    void open() throws Exception {
        EngineSettings settings = EngineSettings.live(RuleSetParser.loadDefault(), ClockScale.REAL, null);
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeAndValidate(
                new EventIntake(new AvroEventDecoder(), settings.validator(), settings.clock())));
        harness.setProcessingTime(NOW.toEpochMilli());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aValidAvroEventPassesThrough() throws Exception {
        harness.processElement(raw(avro(event("u1", NOW.minusSeconds(5)))), 0);

        assertThat(harness.extractOutputValues()).extracting(Event::userId).containsExactly("u1");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void undecodableBytesGoToTheDeadLetterOutputUnchangedWithTheReason() throws Exception {
        byte[] garbage = "{not avro}".getBytes(StandardCharsets.UTF_8);
        harness.processElement(raw(garbage), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.raw.value).isEqualTo(garbage);
        assertThat(letter.raw.offset).isEqualTo(42);
        assertThat(letter.reason).startsWith("UNDECODABLE: not Avro single-object encoding");
    }

    @Test
    void eventsFromMoreThanAnHourInTheFutureAreRejected() throws Exception {
        harness.processElement(raw(avro(event("u1", NOW.plus(Duration.ofMinutes(61))))), 0);
        harness.processElement(raw(avro(event("u2", NOW.plus(Duration.ofMinutes(59))))), 0);

        assertThat(harness.extractOutputValues()).extracting(Event::userId).containsExactly("u2");
        assertThat(deadLetters()).extracting(d -> d.reason).singleElement().asString().startsWith("FUTURE_EVENT_TIME");
    }

    @Test
    void invalidFieldsAndOversizedRecordsAreRejectedWithTheirReason() throws Exception {
        harness.processElement(raw(avro(event("x".repeat(129), NOW))), 0);
        harness.processElement(raw(avro(event("", NOW))), 0);
        UserEvent badZone = event("u1", NOW);
        badZone.setTimezone("Mars/Olympus_Mons");
        harness.processElement(raw(avro(badZone)), 0);
        harness.processElement(raw(new byte[70_000]), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(d -> d.reason).containsExactly(
                "INVALID_FIELD: user_id must be 1..128 characters",
                "MISSING_FIELD: user_id",
                "INVALID_FIELD: timezone 'Mars/Olympus_Mons' is not an IANA zone id (e.g. Europe/Berlin, UTC)",
                "OVERSIZED: 70003 bytes, the limit is 65536"); // key + value
    }

    private List<DeadLetter> deadLetters() {
        var records = harness.getSideOutput(Descriptors.DEAD_LETTERS); // null until the first dead letter
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private static RawEvent raw(byte[] value) {
        return new RawEvent("key".getBytes(StandardCharsets.UTF_8), value, "user-events", 3, 42);
    }

    private static UserEvent event(String user, Instant time) {
        return UserEvent.newBuilder().setEventId("e1").setUserId(user).setEventType("lesson_completed")
                .setEventTime(time).setTimezone(null).setValue(null).setProperties(Map.of()).build();
    }

    private static byte[] avro(UserEvent event) {
        return AvroBytes.singleObject(event);
    }
}
