package io.nudgeflow.flink;

import io.nudgeflow.domain.Event;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's contract tests for serializers: round trips, copies, snapshots, duplication, via streams. */
class EventSerializerTest extends SerializerTestBase<Event> {
    @Override
    protected TypeSerializer<Event> createSerializer() {
        return EventSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<Event> getTypeClass() {
        return Event.class;
    }

    @Override
    protected Event[] getTestData() {
        return new Event[] {
            new Event("e1", "u1", "lesson_completed", 1_780_000_000_000L, null, null, Map.of()),
            new Event("e2", "user-ü-✓", "purchase", -5L, "Asia/Tokyo", 19.99, Map.of("sku", "A-1", "note", "")),
            new Event("", "u", "t", Long.MAX_VALUE, "UTC", -0.0, Map.of("k", "v")),
        };
    }
}
