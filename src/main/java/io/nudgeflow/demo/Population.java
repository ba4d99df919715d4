package io.nudgeflow.demo;

import io.nudgeflow.avro.UserEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic user population for the demo, deterministic for a seed. Each user follows a persona whose
 * behaviour walks through every default rule and lifecycle stage: devoted users climb to HIGHLY_ACTIVE and
 * collect lesson milestones (and miss a day now and then: streak at risk), streakers never miss a day
 * (streak_30), faders trigger the re-engagements, AT_RISK, DORMANT and the 30-day win-back, returners come
 * back from DORMANT, stallers never finish onboarding, browsers hesitate over features, shoppers abandon
 * carts, reach the silver and gold tiers and have payments fail, quizzers struggle. A few users opt out of
 * notifications and a few ask to be erased. Times are local to each user's zone.
 */
public final class Population {
    static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai",
            "Asia/Kolkata", "America/Sao_Paulo", "Australia/Sydney");

    enum Persona { DEVOTED, STREAKER, FADER, RETURNER, STALLER, BROWSER, SHOPPER, QUIZZER }

    private static final List<String> FEATURES = List.of("search", "export", "dark_mode", "sharing");

    public record Scheduled(long time, UserEvent event) {}

    private final Random random;
    private final List<Scheduled> out = new ArrayList<>();

    private Population(long seed) {
        this.random = new Random(seed);
    }

    /** Every event of {@code users} users over {@code days} days from {@code start}, in time order. */
    public static List<Scheduled> generate(int users, Instant start, int days, long seed) {
        Population p = new Population(seed);
        Persona[] personas = Persona.values();
        for (int i = 0; i < users; i++) {
            p.user(String.format("user-%04d", i), personas[i % personas.length], start, days, i);
        }
        p.out.sort(Comparator.comparingLong(Scheduled::time).thenComparing(s -> s.event().getEventId()));
        return p.out;
    }

    private void user(String userId, Persona persona, Instant start, int days, int index) {
        ZoneId zone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
        LocalDate first = start.atZone(zone).toLocalDate().plusDays(1);
        UserTimeline u = new UserTimeline(userId, zone, start);
        u.at(first, 9 + random.nextInt(4), "signup");
        switch (persona) {
            case DEVOTED -> {
                u.onboard(first);
                for (int d = 1; d < days; d++) {
                    if (random.nextDouble() < 0.9) {
                        u.activeDay(first.plusDays(d), 3 + random.nextInt(3));
                    }
                }
            }
            case STREAKER -> {
                u.onboard(first);
                for (int d = 1; d < days; d++) {
                    u.activeDay(first.plusDays(d), 1);
                }
            }
            case FADER -> {
                u.onboard(first);
                int activeDays = random.nextInt(5); // 0..4 more days: CASUAL or ACTIVE before fading out
                for (int d = 1; d <= activeDays; d++) {
                    u.activeDay(first.plusDays(d), 1);
                }
                u.at(first.plusDays(activeDays + 3), 19, "app_open"); // a look without doing anything
            }
            case RETURNER -> {
                u.onboard(first);
                for (int d = 1; d <= 4; d++) {
                    u.activeDay(first.plusDays(d), 1);
                }
                for (int d = 13; d < days; d++) { // 8 days away: DORMANT, then RETURNING
                    if (random.nextDouble() < 0.8) {
                        u.activeDay(first.plusDays(d), 1);
                    }
                }
            }
            case STALLER -> {
                u.at(first, 13, "profile_completed");
                u.at(first.plusDays(2), 20, "app_open");
            }
            case BROWSER -> {
                for (int d = 0; d < days; d += 2 + random.nextInt(3)) {
                    String feature = FEATURES.get(random.nextInt(FEATURES.size()));
                    u.at(first.plusDays(d), 8 + random.nextInt(3), "app_open");
                    for (int view = 0; view < 3; view++) {
                        u.at(first.plusDays(d), 11 + 3 * view, "feature_viewed", null, Map.of("feature", feature));
                    }
                    if (random.nextBoolean()) {
                        u.at(first.plusDays(d), 20, "feature_used", null, Map.of("feature", feature));
                    }
                }
            }
            case SHOPPER -> {
                u.onboard(first);
                for (int d = 1; d < days; d += 1 + random.nextInt(3)) {
                    LocalDate day = first.plusDays(d);
                    double amount = 40 + random.nextInt(260);
                    u.at(day, 12, "add_to_cart", amount, Map.of());
                    if (random.nextDouble() < 0.6) {
                        u.at(day, 12, "purchase", amount, Map.of());
                    } else if (random.nextDouble() < 0.5) {
                        u.at(day, 18, "payment_failed", null, Map.of("reason", random.nextBoolean() ? "card_expired" : "insufficient_funds"));
                    }
                }
            }
            case QUIZZER -> {
                u.onboard(first);
                for (int d = 1; d < days; d += 1 + random.nextInt(2)) {
                    LocalDate day = first.plusDays(d);
                    u.activeDay(day, 1);
                    boolean struggling = random.nextDouble() < 0.4;
                    for (int attempt = 0; attempt < 3; attempt++) {
                        u.at(day, 17, attempt * 15 + random.nextInt(10), struggling ? "quiz_failed" : "quiz_passed", null, Map.of());
                    }
                }
            }
        }
        if (index % 17 == 5) {
            u.at(first.plusDays(6), 21, "notifications_opt_out");
        } else if (index % 23 == 7) {
            u.at(first.plusDays(10), 10, "user_erased");
        }
    }

    /** One user's events; {@code at} turns a local date and hour into an instant in the user's zone. */
    private final class UserTimeline {
        private final String userId;
        private final ZoneId zone;
        private final Instant notBefore;
        private int seq;

        UserTimeline(String userId, ZoneId zone, Instant notBefore) {
            this.userId = userId;
            this.zone = zone;
            this.notBefore = notBefore;
        }

        void onboard(LocalDate day) {
            at(day, 14, "profile_completed");
            at(day, 15, "goal_set");
            at(day, 16, "lesson_completed");
        }

        void activeDay(LocalDate day, int lessons) {
            at(day, 7 + random.nextInt(3), "app_open");
            for (int i = 0; i < lessons; i++) {
                at(day, 8 + random.nextInt(13), "lesson_completed");
            }
        }

        void at(LocalDate day, int hour, String type) {
            at(day, hour, type, null, Map.of());
        }

        void at(LocalDate day, int hour, String type, Double value, Map<String, String> properties) {
            at(day, hour, random.nextInt(60), type, value, properties);
        }

        void at(LocalDate day, int hour, int minute, String type, Double value, Map<String, String> properties) {
            Instant time = day.atTime(LocalTime.of(hour, minute)).atZone(zone).toInstant();
            if (time.isBefore(notBefore)) {
                return;
            }
            out.add(new Scheduled(time.toEpochMilli(), UserEvent.newBuilder()
                    .setEventId(userId + "-" + (seq++))
                    .setUserId(userId)
                    .setEventType(type)
                    .setEventTime(time)
                    .setTimezone(zone.getId())
                    .setValue(value)
                    .setProperties(properties)
                    .build()));
        }
    }
}
