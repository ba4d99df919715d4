package io.nudgeflow.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudgeflow.avro.LifecycleStage;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerKind;
import io.nudgeflow.avro.UserEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UserEvent on the wire in every compatible version (issue 12): older and newer writer schemas are read by
 * Avro schema resolution, an unknown or incompatible one is a dead letter naming its fingerprint; and a
 * consumer on today's Trigger reads the next version's records.
 */
class SchemaEvolutionTest {
    private static final Instant WHEN = Instant.parse("2026-03-02T10:00:00Z");

    private static Schema schema(String resource) {
        return OtherSchemaVersions.schema(resource);
    }

    private static byte[] written(Schema schema, Map<String, Object> fields) {
        return OtherSchemaVersions.written(schema, fields);
    }

    private static Map<String, Object> lesson() {
        return Map.of("event_id", "e1", "user_id", "u1", "event_type", "lesson_completed",
                "event_time", WHEN.toEpochMilli(), "timezone", "Europe/Berlin");
    }

    private static String hex(Schema schema) {
        return String.format("%016x", WriterSchemas.fingerprint(schema));
    }

    @Nested
    class OlderWriters {
        @Test
        void anEventOfTheFirstSchemaIsReadWithTheNewFieldsDefaults() throws Exception {
            UserEvent event = new AvroEventDecoder().decode(written(schema("/schemas/UserEvent.v1.avsc"), lesson()));

            assertThat(event.getUserId()).isEqualTo("u1");
            assertThat(event.getEventTime()).isEqualTo(WHEN);
            assertThat(event.getTimezone()).isEqualTo("Europe/Berlin");
            assertThat(event.getValue()).isNull();
            assertThat(event.getProperties()).isEmpty();
        }

        @Test
        void theNewestSchemaOfTheHistoryIsTodaysSoTheHistoryCannotFallBehind() {
            List<Schema> history = new ArrayList<>();
            for (int v = 1; SchemaEvolutionTest.class.getResource("/schemas/UserEvent.v" + v + ".avsc") != null; v++) {
                history.add(schema("/schemas/UserEvent.v" + v + ".avsc"));
            }

            assertThat(history).hasSizeGreaterThanOrEqualTo(2);
            assertThat(WriterSchemas.fingerprint(history.get(history.size() - 1)))
                    .as("avro/history's last version is avro/UserEvent.avsc: add a version there when it changes")
                    .isEqualTo(WriterSchemas.fingerprint(UserEvent.getClassSchema()));
        }

        @Test
        void everyReleasedVersionAndTodaysReadEachOther() {
            // fully compatible both ways: the job reads every producer, and services that read user-events
            // with an older schema read today's records
            for (int v = 1; SchemaEvolutionTest.class.getResource("/schemas/UserEvent.v" + v + ".avsc") != null; v++) {
                Schema old = schema("/schemas/UserEvent.v" + v + ".avsc");
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(UserEvent.getClassSchema(), old).getType())
                        .as("today reads v%d", v).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, UserEvent.getClassSchema()).getType())
                        .as("v%d reads today's", v).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Nested
    class NewerWriters {
        private final Schema next = schema("/schemas/UserEvent-next.avsc");

        private Map<String, Object> lessonOnTheNextSchema() {
            Map<String, Object> fields = new java.util.HashMap<>(lesson());
            fields.put("app_version", "5.3.0");
            fields.put("platform", "IOS");
            fields.put("value", 2.5);
            fields.put("properties", Map.of("course", "es-101"));
            return fields;
        }

        @Test
        void unknownToTheJobItIsADeadLetterNamingItsFingerprint() throws Exception {
            byte[] bytes = written(next, lessonOnTheNextSchema());

            assertThatThrownBy(() -> new AvroEventDecoder().decode(bytes)).isInstanceOf(BadEventException.class)
                    .hasMessage("UNDECODABLE: unknown writer schema fingerprint " + hex(next) + " (not in the schema history)");
        }

        @Test
        void inTheWriterSchemaDirectoryItIsReadAndItsNewFieldsSkipped(@TempDir Path dir) throws Exception {
            Files.writeString(dir.resolve("user-event-5.3.avsc"), next.toString(true));

            UserEvent event = new AvroEventDecoder(WriterSchemas.withDirectory(dir)).decode(written(next, lessonOnTheNextSchema()));

            assertThat(event.getEventType()).isEqualTo("lesson_completed");
            assertThat(event.getValue()).isEqualTo(2.5);
            assertThat(event.getProperties()).containsExactly(Map.entry("course", "es-101"));
        }

        @Test
        void aSchemaAddedWhileTheJobRunsIsPickedUpWithoutARestart(@TempDir Path dir) throws Exception {
            AvroEventDecoder decoder = new AvroEventDecoder(WriterSchemas.withDirectory(dir, Duration.ZERO));
            byte[] bytes = written(next, lessonOnTheNextSchema());
            assertThatThrownBy(() -> decoder.decode(bytes)).hasMessageContaining("unknown writer schema fingerprint "
                    + hex(next) + " (not in the schema history nor in " + dir.toAbsolutePath());

            Files.writeString(dir.resolve("user-event-5.3.avsc"), next.toString(true));

            assertThat(decoder.decode(bytes).getUserId()).isEqualTo("u1");
        }

        @Test
        void theDirectoryIsNotReadAgainForEveryUnknownRecord(@TempDir Path dir) throws Exception {
            AvroEventDecoder decoder = new AvroEventDecoder(WriterSchemas.withDirectory(dir, Duration.ofHours(1)));
            byte[] bytes = written(next, lessonOnTheNextSchema());
            assertThatThrownBy(() -> decoder.decode(bytes)).isInstanceOf(BadEventException.class);

            Files.writeString(dir.resolve("user-event-5.3.avsc"), next.toString(true));

            // within the rescan interval the directory is not looked at again: still unknown
            assertThatThrownBy(() -> decoder.decode(bytes)).isInstanceOf(BadEventException.class);
        }
    }

    @Nested
    class IncompatibleWriters {
        @ParameterizedTest
        @ValueSource(strings = {"UserEvent-user-id-as-long.avsc", "UserEvent-without-event-type.avsc"})
        void areDeadLettersNamingTheFingerprintAndWhatCannotBeRead(String file, @TempDir Path dir) throws Exception {
            Schema incompatible = schema("/schemas/" + file);
            Files.writeString(dir.resolve(file), incompatible.toString(true));
            Map<String, Object> fields = new java.util.HashMap<>(lesson());
            if (file.contains("as-long")) {
                fields.put("user_id", 42L);
            }
            AvroEventDecoder decoder = new AvroEventDecoder(WriterSchemas.withDirectory(dir));
            byte[] bytes = written(incompatible, fields);

            for (int i = 0; i < 2; i++) { // the verdict is kept: the same answer for the next record
                assertThatThrownBy(() -> decoder.decode(bytes)).isInstanceOf(BadEventException.class)
                        .hasMessageStartingWith("UNDECODABLE: writer schema " + hex(incompatible) + " cannot be read as UserEvent: ")
                        .hasMessageContaining(file.contains("as-long") ? "/fields/1/type" : "READER_FIELD_MISSING_DEFAULT_VALUE");
            }
        }

        @Test
        void aDirectoryWithAFileThatIsNoSchemaIsRefusedAtStartUp(@TempDir Path dir) throws Exception {
            Files.writeString(dir.resolve("broken.avsc"), "{\"type\": \"record\", \"name\": ");

            assertThatThrownBy(() -> WriterSchemas.withDirectory(dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("broken.avsc cannot be read");
            assertThatThrownBy(() -> WriterSchemas.withDirectory(dir.resolve("missing")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
        }
    }

    /** SPEC: consumers of engagement-triggers keep working when Trigger gains optional fields. */
    @Nested
    class Consumers {
        private final Schema next = schema("/schemas/Trigger-next.avsc");

        private byte[] nextVersionRecord() {
            return written(next, Map.ofEntries(Map.entry("trigger_id", "t1"), Map.entry("user_id", "u1"),
                    Map.entry("rule_id", "inactive_24h"), Map.entry("kind", "REENGAGEMENT"),
                    Map.entry("fire_time", WHEN.toEpochMilli()), Map.entry("emitted_at", WHEN.toEpochMilli() + 5),
                    Map.entry("stage", "AT_RISK"), Map.entry("rule_set_version", "v9"),
                    Map.entry("attributes", Map.of("hours_inactive", "24")), Map.entry("goal_within_ms", 172_800_000L),
                    Map.entry("experiment_id", "copy-test")));
        }

        @Test
        void aConsumerOnTodaysTriggerReadsTheNextVersionOnceItKnowsItsSchema() throws IOException {
            SchemaStore.Cache store = new SchemaStore.Cache();
            store.addSchema(next); // from avro/ of the release that wrote it, or a registry

            Trigger t = Trigger.createDecoder(store).decode(nextVersionRecord());

            assertThat(t.getTriggerId()).isEqualTo("t1");
            assertThat(t.getKind()).isEqualTo(TriggerKind.REENGAGEMENT);
            assertThat(t.getStage()).isEqualTo(LifecycleStage.AT_RISK);
            assertThat(t.getFireTime()).isEqualTo(WHEN);
            assertThat(t.getAttributes()).containsExactly(Map.entry("hours_inactive", "24"));
            assertThat(t.getSuppressedReason()).isNull();
        }

        @Test
        void withoutTheNewSchemaTheConsumerIsToldWhichOneItLacks() {
            assertThatThrownBy(() -> Trigger.getDecoder().decode(nextVersionRecord()))
                    .isInstanceOf(MissingSchemaException.class);
        }

        @Test
        void theNextVersionIsCompatibleWithTodaysBothWays() {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Trigger.getClassSchema(), next).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(next, Trigger.getClassSchema()).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
