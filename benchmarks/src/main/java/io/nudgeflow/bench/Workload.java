package io.nudgeflow.bench;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.io.AvroBytes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A realistic event stream: users with skewed activity (a few very active users, a long tail of rare
 * ones), spread over time zones, sending a mix of active and passive events. A share of the events are
 * latency probes that the benchmark rule set answers with an immediate trigger carrying the probe's
 * intended send time, so event-to-trigger latency is measured on the engine's full path.
 */
final class Workload {
    static final String PROBE_EVENT = "latency_probe";
    static final String SENT_NANOS = "sent_nanos";

    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai",
            "Asia/Kolkata", "America/Sao_Paulo", "Australia/Sydney", "America/Los_Angeles");
    /** Event types and their cumulative shares; the rest are probes. */
    private static final String[] TYPES = {"lesson_completed", "app_open", "screen_view", "quiz_passed", "quiz_failed",
            "feature_viewed", "add_to_cart", "purchase", "like"};
    private static final double[] CUMULATIVE = {0.30, 0.50, 0.62, 0.67, 0.70, 0.76, 0.80, 0.82, 0.90};

    private final int users;
    private final double probeShare;
    private final SplittableRandom random;
    private long seq;

    Workload(int users, double probeShare, long seed) {
        this.users = users;
        this.probeShare = probeShare;
        this.random = new SplittableRandom(seed);
    }

    /** A user index skewed towards low numbers: the top 1 % of users send about a fifth of the events. */
    int nextUser() {
        double u = random.nextDouble();
        return (int) Math.min(users - 1, Math.floor(users * u * u * u));
    }

    static String userId(int index) {
        return "user-" + index;
    }

    static String zoneOf(int index) {
        return ZONES.get(Math.floorMod(index * 31, ZONES.size()));
    }

    /** The next event for the stream, created at wall time {@code nowMs}; probes carry {@code sentNanos}. */
    Record next(long nowMs, long sentNanos) {
        int user = nextUser();
        String type;
        Map<String, String> properties;
        double r = random.nextDouble();
        if (r < probeShare) {
            type = PROBE_EVENT;
            properties = Map.of(SENT_NANOS, Long.toString(sentNanos));
        } else {
            double pick = random.nextDouble();
            int i = 0;
            while (i < TYPES.length - 1 && pick > CUMULATIVE[i]) {
                i++;
            }
            type = TYPES[i];
            properties = type.equals("feature_viewed") ? Map.of("feature", "f" + random.nextInt(5), SENT_NANOS, Long.toString(sentNanos))
                    : Map.of(SENT_NANOS, Long.toString(sentNanos));
        }
        return record(user, type, nowMs, properties, type.equals("purchase") ? 5.0 + random.nextInt(100) : null);
    }

    Record record(int user, String type, long timeMs, Map<String, String> properties, Double value) {
        return record(userId(user), zoneOf(user), type, timeMs, properties, value);
    }

    Record record(String userId, String zone, String type, long timeMs, Map<String, String> properties, Double value) {
        UserEvent event = UserEvent.newBuilder()
                .setEventId(userId + "-" + (seq++))
                .setUserId(userId)
                .setEventType(type)
                .setEventTime(Instant.ofEpochMilli(timeMs))
                .setTimezone(zone)
                .setValue(value)
                .setProperties(properties)
                .build();
        return new Record(userId.getBytes(StandardCharsets.UTF_8), AvroBytes.singleObject(event), type.equals(PROBE_EVENT));
    }

    record Record(byte[] key, byte[] value, boolean probe) {}
}
