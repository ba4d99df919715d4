package io.nudgeflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A generated, seeded event history of a learning app: habits of every strength, carts, quizzes, zones. */
final class History {
    static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    private static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"};

    private History() {}

    /** {@code users} users over {@code days} days, one JSON line per event, in time order. */
    static Path write(Path file, int users, int days, long seed) throws IOException {
        Random random = new Random(seed);
        List<long[]> order = new ArrayList<>(); // {time, index}
        List<String> lines = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "user-" + u;
            String zone = ZONES[u % ZONES.length];
            double habit = random.nextDouble(); // chance of a lesson on a given day
            long t = START.toEpochMilli() + random.nextInt(24 * 3_600) * 1_000L;
            int seq = 0;
            for (String type : new String[] {"signup", "profile_completed", "goal_set"}) {
                add(lines, order, user, user + "-" + seq++, type, t += 60_000L * (1 + random.nextInt(30)), zone, null);
            }
            for (int d = 0; d < days; d++) {
                long day = START.toEpochMilli() + d * 86_400_000L;
                if (random.nextDouble() < habit) {
                    long at = day + random.nextInt(24 * 3_600) * 1_000L;
                    add(lines, order, user, user + "-" + seq++, "lesson_completed", at, zone, null);
                    if (random.nextInt(5) == 0) {
                        add(lines, order, user, user + "-" + seq++, "add_to_cart", at + 60_000, zone, 20.0 + random.nextInt(50));
                        if (random.nextBoolean()) {
                            add(lines, order, user, user + "-" + seq++, "purchase", at + 60_000L * (2 + random.nextInt(180)), zone, 25.0);
                        }
                    }
                    if (random.nextInt(6) == 0) {
                        for (int q = 0; q < 3; q++) {
                            add(lines, order, user, user + "-" + seq++, "quiz_failed", at + 120_000L * (q + 1), zone, null);
                        }
                    }
                } else if (random.nextInt(3) == 0) {
                    add(lines, order, user, user + "-" + seq++, "app_open", day + random.nextInt(24 * 3_600) * 1_000L, zone, null);
                }
            }
        }
        order.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        List<String> sorted = new ArrayList<>(lines.size());
        order.forEach(o -> sorted.add(lines.get((int) o[1])));
        return Files.write(file, sorted);
    }

    private static void add(List<String> lines, List<long[]> order, String user, String id, String type, long time,
            String zone, Double value) {
        order.add(new long[] {time, lines.size()});
        lines.add(event(id, user, type, time, zone, value));
    }

    static String event(String id, String user, String type, long time, String zone, Double value) {
        return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"event_type\":\"" + type + "\",\"event_time\":\""
                + Instant.ofEpochMilli(time) + "\"" + (zone == null ? "" : ",\"timezone\":\"" + zone + "\"")
                + (value == null ? "" : ",\"value\":" + value) + "}";
    }
}
