package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

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
    /**
     * Event times before this are rejected: no product sends events from before 2000, and epoch 0 or a negative
     * time (a client clock never set) would fire real triggers dated 1970 and make the user CHURNED at once.
     */
    public static final Instant EARLIEST_EVENT_TIME = Instant.parse("2000-01-01T00:00:00Z");
    /** And from this on: replay has no wall clock to compare with; the state's "no value" markers lie far beyond. */
    public static final Instant END_OF_EVENT_TIMES = Instant.parse("2200-01-01T00:00:00Z");
    /**
     * The IANA time zone database's ids as the JDK ships them: regions (Asia/Tokyo), UTC and the Etc/ zones.
     * Not offsets (+05:00) nor prefixed offsets (UTC+3), which java.time would also accept: they have no
     * daylight saving rules, so a user sending them would be nudged an hour off for half the year.
     */
    private static final Set<String> IANA_ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

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
        if (e.getTimezone() != null && !IANA_ZONES.contains(e.getTimezone())) {
            throw new BadEventException("INVALID_FIELD: timezone '" + abbreviate(e.getTimezone())
                    + "' is not an IANA zone id (e.g. Europe/Berlin, UTC)");
        }
        if (e.getEventTime().isBefore(EARLIEST_EVENT_TIME) || !e.getEventTime().isBefore(END_OF_EVENT_TIMES)) {
            throw new BadEventException("INVALID_TIME: event_time " + e.getEventTime() + " is outside "
                    + EARLIEST_EVENT_TIME + " .. " + END_OF_EVENT_TIMES);
        }
        requireNoReplacementCharacter("event_id", e.getEventId());
        requireNoReplacementCharacter("user_id", e.getUserId());
        requireNoReplacementCharacter("event_type", e.getEventType());
        requireWellFormed("event_id", e.getEventId());
        requireWellFormed("user_id", e.getUserId());
        requireWellFormed("event_type", e.getEventType());
        if (e.getValue() != null && !Double.isFinite(e.getValue())) {
            throw new BadEventException("INVALID_FIELD: value must be a finite number");
        }
        Map<String, String> properties = e.getProperties();
        if (properties.size() > MAX_PROPERTIES) {
            throw new BadEventException("OVERSIZED: " + properties.size() + " properties, the limit is " + MAX_PROPERTIES);
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            requireWellFormed("property key", p.getKey());
            requireWellFormed("property '" + abbreviate(p.getKey()) + "'", p.getValue());
            if (characters(p.getKey()) > MAX_PROPERTY_KEY_CHARS || characters(p.getValue()) > MAX_PROPERTY_VALUE_CHARS) {
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
        int characters = characters(value);
        if (characters < min || characters > max) {
            throw new BadEventException("INVALID_FIELD: " + field + " must be " + min + ".." + max + " characters");
        }
    }

    /** Characters as a person counts them (code points), not UTF-16 units: an emoji is one. */
    private static int characters(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * Avro decodes invalid UTF-8 to U+FFFD, so two distinct raw ids would become one user; a correct encoder
     * never writes U+FFFD into an id, so its presence means the bytes were not UTF-8.
     */
    private static void requireNoReplacementCharacter(String field, String value) throws BadEventException {
        if (value.indexOf('\uFFFD') >= 0) {
            throw new BadEventException("INVALID_FIELD: " + field + " is not valid UTF-8 (holds U+FFFD)");
        }
    }

    /**
     * No unpaired UTF-16 surrogate: JSON's {@code \uD800} escape can write one, no UTF-8 encoder can, and the
     * outputs (Avro, JSON lines) could not carry it faithfully.
     */
    private static void requireWellFormed(String field, String value) throws BadEventException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new BadEventException("INVALID_FIELD: " + field + " is not valid Unicode text (an unpaired surrogate)");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
