package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.LocalCalendar;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The checks of SPEC section 2 that every decoded event passes before the engine sees it. A failed check
 * is a dead-letter reason ({@code CODE: detail}); nothing is dropped silently.
 */
public final class EventValidator implements Serializable {
    public static final int MAX_RECORD_BYTES = 64 * 1024;
    public static final int MAX_USER_ID_CHARS = 128;
    public static final int MAX_ID_CHARS = 256;
    public static final int MAX_PROPERTIES = 32;
    public static final int MAX_PROPERTY_KEY_CHARS = 64;
    public static final int MAX_PROPERTY_VALUE_CHARS = 1024;

    /** Null in replay: there is no wall clock to be ahead of. */
    private final Duration futureTolerance;

    private EventValidator(Duration futureTolerance) {
        this.futureTolerance = futureTolerance;
    }

    /** Live mode: also rejects events more than {@code futureTolerance} ahead of the wall clock. */
    public static EventValidator live(Duration futureTolerance) {
        return new EventValidator(futureTolerance);
    }

    public static EventValidator replay() {
        return new EventValidator(null);
    }

    public void checkSize(RawEvent raw) throws BadEventException {
        int size = (raw.key == null ? 0 : raw.key.length) + (raw.value == null ? 0 : raw.value.length);
        if (size > MAX_RECORD_BYTES) {
            throw new BadEventException("OVERSIZED: " + size + " bytes, the limit is " + MAX_RECORD_BYTES);
        }
    }

    /** @param nowMs the wall clock (live mode) */
    public void validate(UserEvent e, long nowMs) throws BadEventException {
        requireLength("event_id", e.getEventId(), 1, MAX_ID_CHARS);
        requireLength("user_id", e.getUserId(), 1, MAX_USER_ID_CHARS);
        requireLength("event_type", e.getEventType(), 1, MAX_ID_CHARS);
        if (e.getTimezone() != null && !LocalCalendar.isValidZone(e.getTimezone())) {
            throw new BadEventException("INVALID_FIELD: timezone '" + e.getTimezone() + "' is not an IANA zone id");
        }
        if (e.getValue() != null && !Double.isFinite(e.getValue())) {
            throw new BadEventException("INVALID_FIELD: value must be a finite number");
        }
        Map<String, String> properties = e.getProperties();
        if (properties.size() > MAX_PROPERTIES) {
            throw new BadEventException("OVERSIZED: " + properties.size() + " properties, the limit is " + MAX_PROPERTIES);
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (p.getKey().length() > MAX_PROPERTY_KEY_CHARS || p.getValue().length() > MAX_PROPERTY_VALUE_CHARS) {
                throw new BadEventException("OVERSIZED: property '" + abbreviate(p.getKey()) + "' exceeds "
                        + MAX_PROPERTY_KEY_CHARS + "-character keys / " + MAX_PROPERTY_VALUE_CHARS + "-character values");
            }
        }
        if (futureTolerance != null && e.getEventTime().toEpochMilli() > nowMs + futureTolerance.toMillis()) {
            throw new BadEventException("FUTURE_EVENT_TIME: event_time " + e.getEventTime()
                    + " is more than " + futureTolerance + " ahead of the wall clock");
        }
    }

    private static void requireLength(String field, String value, int min, int max) throws BadEventException {
        if (value == null || value.isEmpty()) {
            throw new BadEventException("MISSING_FIELD: " + field);
        }
        if (value.length() < min || value.length() > max) {
            throw new BadEventException("INVALID_FIELD: " + field + " must be " + min + ".." + max + " characters");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
