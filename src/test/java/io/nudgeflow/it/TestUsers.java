package io.nudgeflow.it;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.demo.Population;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Users for the short-deadline rule file ({@code it/short-deadlines.yaml}): each visits a few times within a
 * span of seconds, with pauses short and long enough to cross every deadline of those rules — onboarding,
 * lessons, quizzes, carts and purchases, opting out and in, some erasures. Deterministic for a seed; every
 * user's events in time order, as a device sends them.
 */
final class TestUsers {
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York");

    private TestUsers() {}

    /** Events of {@code users} users from {@code start} over about {@code spanMs}, in time order. */
    static List<Population.Scheduled> generate(int users, long start, long spanMs, long seed) {
        Random random = new Random(seed);
        List<Population.Scheduled> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = String.format("it-user-%03d", u);
            String zone = ZONES.get(random.nextInt(ZONES.size()));
            long t = start + random.nextInt((int) (spanMs / 4));
            int seq = 0;
            while (t < start + spanMs) {
                String type = pick(random);
                if (type.equals("quiz_failed") && random.nextInt(3) == 0) { // struggling: two more failures right away
                    for (int k = 0; k < 2; k++) {
                        out.add(new Population.Scheduled(t, quizFailure(user, seq++, zone, t)));
                        t += 200 + random.nextInt(400);
                    }
                }
                Double value = type.equals("purchase") || type.equals("add_to_cart") ? 10.0 + random.nextInt(60) : null;
                UserEvent event = UserEvent.newBuilder().setEventId(user + "-" + seq++).setUserId(user).setEventType(type)
                        .setEventTime(java.time.Instant.ofEpochMilli(t)).setTimezone(zone).setValue(value)
                        .setProperties(Map.of()).build();
                out.add(new Population.Scheduled(t, event));
                if (type.equals("user_erased")) {
                    break;
                }
                t += pause(random);
            }
        }
        out.sort(Comparator.comparingLong(Population.Scheduled::time).thenComparing(s -> s.event().getEventId()));
        return out;
    }

    private static UserEvent quizFailure(String user, int seq, String zone, long t) {
        return UserEvent.newBuilder().setEventId(user + "-" + seq).setUserId(user).setEventType("quiz_failed")
                .setEventTime(java.time.Instant.ofEpochMilli(t)).setTimezone(zone).setValue(null).setProperties(Map.of()).build();
    }

    private static String pick(Random random) {
        int r = random.nextInt(100);
        if (r < 20) {
            return "lesson_completed";
        } else if (r < 30) {
            return "app_open";
        } else if (r < 38) {
            return "profile_completed";
        } else if (r < 46) {
            return "goal_set";
        } else if (r < 50) {
            return "signup";
        } else if (r < 62) {
            return "quiz_failed";
        } else if (r < 66) {
            return "quiz_passed";
        } else if (r < 76) {
            return "add_to_cart";
        } else if (r < 86) {
            return "purchase";
        } else if (r < 91) {
            return "notifications_opt_out";
        } else if (r < 96) {
            return "notifications_opt_in";
        } else if (r < 98) {
            return "screen_view";
        }
        return "user_erased";
    }

    /** Mostly quick taps, now and then a pause across the 1.5-4 s deadlines, rarely one across the stages. */
    private static long pause(Random random) {
        int r = random.nextInt(100);
        if (r < 60) {
            return 100 + random.nextInt(700);
        } else if (r < 92) {
            return 1_000 + random.nextInt(3_500);
        }
        return 6_000 + random.nextInt(6_000);
    }
}
