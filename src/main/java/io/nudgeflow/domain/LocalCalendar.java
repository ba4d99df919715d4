package io.nudgeflow.domain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.concurrent.ConcurrentHashMap;

/** Local calendar arithmetic in a user's IANA time zone; null zone means UTC. */
public final class LocalCalendar {
    public static final long DAY_MS = 86_400_000L;
    private static final ConcurrentHashMap<String, KnownZone> ZONES = new ConcurrentHashMap<>();

    /** A parsed zone with its rules, and the one String instance that names it (its hash code is cached). */
    private record KnownZone(String id, ZoneId zone, ZoneRules rules) {}

    private LocalCalendar() {}

    private static KnownZone known(String zoneId) {
        KnownZone cached = ZONES.get(zoneId);
        if (cached != null) {
            return cached;
        }
        ZoneId parsed = ZoneId.of(zoneId);
        ZONES.putIfAbsent(zoneId, new KnownZone(zoneId, parsed, parsed.getRules()));
        return ZONES.get(zoneId);
    }

    /** Parses and caches a zone id; throws {@link DateTimeException} for an unknown zone. */
    public static ZoneId zone(String zoneId) {
        return zoneId == null ? ZoneOffset.UTC : known(zoneId).zone();
    }

    /**
     * The shared instance of an equal zone id. State decoding returns this one, so the many zone lookups per
     * event hash the id once (a String caches its hash) instead of hashing a fresh copy each time.
     */
    static String canonical(String zoneId) {
        if (zoneId == null) {
            return null;
        }
        try {
            return known(zoneId).id();
        } catch (DateTimeException e) {
            return zoneId; // a zone this JVM's tz data no longer knows: keep it as it was stored
        }
    }

    public static boolean isValidZone(String zoneId) {
        try {
            zone(zoneId);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** The local calendar day (days since 1970-01-01 in that zone) that contains the instant. */
    public static int epochDay(long instantMs, String zoneId) {
        long offsetMs = zoneId == null ? 0 : offsetSeconds(instantMs, zoneId) * 1000L;
        return (int) Math.floorDiv(instantMs + offsetMs, DAY_MS);
    }

    /** The local wall-clock time of the instant in the zone. */
    public static java.time.LocalTime localTime(long instantMs, String zoneId) {
        return Instant.ofEpochMilli(instantMs).atZone(zone(zoneId)).toLocalTime();
    }

    /**
     * The instant of a local date and time in the zone. In a daylight-saving gap the time is pushed
     * forward by the gap (02:30 on a spring-forward day is 03:30); in an overlap the earlier offset wins.
     */
    public static long instantAt(long epochDay, java.time.LocalTime time, String zoneId) {
        return java.time.LocalDate.ofEpochDay(epochDay).atTime(time).atZone(zone(zoneId)).toInstant().toEpochMilli();
    }

    private static int offsetSeconds(long instantMs, String zoneId) {
        return known(zoneId).rules().getOffset(Instant.ofEpochMilli(instantMs)).getTotalSeconds();
    }
}
