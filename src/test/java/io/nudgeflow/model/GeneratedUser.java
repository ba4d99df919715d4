package io.nudgeflow.model;

import io.nudgeflow.domain.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * A random user as a mobile app delivers them: a life of events in event time (zones with daylight saving and
 * zone changes, gaps from seconds to 60 days, quiet hours, consent, erasure and reappearance, carts, quizzes,
 * features, purchases, signups), then the order in which they reach the job — in order, late by minutes,
 * hours or more than a day, redelivered within minutes or hours — and, live, how far the job's time has got
 * between them. Built from a list of small random choices, so jqwik shrinks a failure to a short story.
 */
record GeneratedUser(List<Input> inputs) {
    static final String USER = "u1";
    private static final long START = java.time.Instant.parse("2026-03-01T06:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    /** An event reaching the job, or the job's time reaching an instant. */
    sealed interface Input {}

    record Deliver(Event event) implements Input {
        @Override
        public String toString() {
            return "deliver " + event.eventId() + " " + event.type() + " @" + java.time.Instant.ofEpochMilli(event.time())
                    + (event.zone() == null ? "" : " " + event.zone()) + (event.value() == null ? "" : " value=" + event.value())
                    + (event.properties().isEmpty() ? "" : " " + event.properties());
        }
    }

    record Advance(long to) implements Input {
        @Override
        public String toString() {
            return "time reaches " + java.time.Instant.ofEpochMilli(to);
        }
    }

    /**
     * What kind of life: which events (a type listed twice is twice as likely) and how far apart (weights of
     * the gap classes of {@link #gap}).
     */
    record Profile(List<String> types, int[] gapWeights) {}

    /** Everything at once: erasures, consent, weeks away. */
    static final Profile MIXED = new Profile(List.of(
            "lesson_completed", "lesson_completed", "lesson_completed", "lesson_completed", "lesson_completed",
            "app_open", "app_open", "screen_view", "workout_completed", "comment",
            "quiz_failed", "quiz_failed", "quiz_failed", "quiz_passed",
            "feature_viewed", "feature_viewed", "feature_viewed", "feature_used",
            "add_to_cart", "add_to_cart", "purchase", "purchase",
            "profile_completed", "goal_set", "signup", "signup",
            "notifications_opt_out", "notifications_opt_in", "payment_failed", "user_erased"),
            new int[] {5, 4, 5, 2, 1});
    /** A daily habit kept for weeks: long streaks, many lessons and purchases, stages up to HIGHLY_ACTIVE. */
    static final Profile HABIT = new Profile(List.of(
            "lesson_completed", "lesson_completed", "lesson_completed", "lesson_completed", "lesson_completed",
            "lesson_completed", "workout_completed", "quiz_passed", "app_open", "screen_view",
            "purchase", "purchase", "purchase", "add_to_cart", "profile_completed", "goal_set", "signup",
            "notifications_opt_out", "notifications_opt_in"),
            new int[] {2, 8, 10, 0, 0});
    /** Quizzes and features in quick succession: triples within the hour and the day, and their spoilers. */
    static final Profile BURSTS = new Profile(List.of(
            "quiz_failed", "quiz_failed", "quiz_failed", "quiz_failed", "quiz_passed",
            "feature_viewed", "feature_viewed", "feature_viewed", "feature_viewed", "feature_used",
            "lesson_completed", "app_open"),
            new int[] {12, 4, 2, 1, 0});
    private static final List<String> ZONES = List.of("America/New_York", "Europe/Berlin", "Australia/Sydney",
            "Asia/Tokyo", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "UTC", "Europe/London",
            "America/Los_Angeles");

    /** One choice per event; every field's small values are the plain case, so shrinking simplifies the story. */
    record Choice(int type, int gap, long gapAmount, int zone, int delivery, int amount, double advance) {}

    static Arbitrary<GeneratedUser> users(Profile profile, int minEvents, int maxEvents) {
        Arbitrary<Integer> gapClass = Arbitraries.frequency(java.util.stream.IntStream.range(0, 5)
                .filter(g -> profile.gapWeights()[g] > 0)
                .mapToObj(g -> Tuple.of(profile.gapWeights()[g], g)).toArray(Tuple.Tuple2[]::new));
        Arbitrary<Choice> choice = Combinators.combine(
                Arbitraries.integers().between(0, profile.types().size() - 1),
                gapClass,
                Arbitraries.longs().between(0, 1_000_000),
                Arbitraries.integers().between(0, 19),
                Arbitraries.integers().between(0, 29),
                Arbitraries.integers().between(0, 999),
                Arbitraries.doubles().between(0, 1)).as(Choice::new);
        return Combinators.combine(choice.list().ofMinSize(minEvents).ofMaxSize(maxEvents), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 45)).as((choices, live, daysAfter) -> build(profile, choices, live, daysAfter));
    }

    private record Delivery(long arrival, int seq, Input input) {}

    static GeneratedUser build(Profile profile, List<Choice> choices, boolean live, int daysAfter) {
        List<Delivery> deliveries = new ArrayList<>();
        List<Event> lived = new ArrayList<>();
        long time = START;
        String zone = null;
        int seq = 0;
        for (int i = 0; i < choices.size(); i++) {
            Choice c = choices.get(i);
            time += gap(c.gap(), c.gapAmount());
            String type = profile.types().get(c.type());
            // the zone: carried as the user's, sometimes left out, sometimes changed, sometimes a stray one
            String carried;
            if (c.zone() < 12) {
                carried = zone;
            } else if (c.zone() < 15) {
                carried = null;
            } else if (c.zone() < 18) {
                zone = ZONES.get(c.amount() % ZONES.size());
                carried = zone;
            } else {
                carried = ZONES.get((c.amount() / 7) % ZONES.size());
            }
            Event e = new Event("e" + i, USER, type, time, carried, valueOf(type, c.amount()), propertiesOf(type, c.amount()));
            lived.add(e);
            long arrival = time;
            int d = c.delivery();
            long spread = 1 + c.gapAmount() % 1000;
            if (d == 20 || d == 21) {
                arrival += spread * 1_800L; // late by up to 30 min
            } else if (d == 22 || d == 23) {
                arrival += HOUR + spread * 79_200L; // late by 1 h to 23 h
            } else if (d == 24) {
                arrival += 25 * HOUR + spread * 170_000L; // late by more than a day
            }
            deliveries.add(new Delivery(arrival, seq++, new Deliver(e)));
            if (d == 25 || d == 26) { // redelivered within minutes
                deliveries.add(new Delivery(arrival + spread * 1_800L, seq++, new Deliver(e)));
            } else if (d == 27) { // redelivered within hours
                deliveries.add(new Delivery(arrival + HOUR + spread * 72_000L, seq++, new Deliver(e)));
            } else if (d == 28 && i > 0) { // an earlier event redelivered now
                deliveries.add(new Delivery(arrival, seq++, new Deliver(lived.get((int) (c.gapAmount() % i)))));
            }
            if (live && c.advance() > 0.3) { // the job's time moves on between events, a little behind the wall clock
                long lead = (long) ((c.advance() - 0.3) / 0.7 * gap(c.gap(), c.gapAmount() / 3 + 1));
                long wall = arrival + lead;
                deliveries.add(new Delivery(wall, seq++, new Advance(wall - c.amount() * 5L)));
            }
        }
        deliveries.sort(Comparator.comparingLong(Delivery::arrival).thenComparingInt(Delivery::seq));
        List<Input> inputs = new ArrayList<>(deliveries.stream().map(Delivery::input).toList());
        long last = lived.stream().mapToLong(Event::time).max().orElse(START);
        inputs.add(new Advance(last + daysAfter * DAY)); // replay's --until, or the job's time at the end
        return new GeneratedUser(inputs);
    }

    private static long gap(int gapClass, long amount) {
        return switch (gapClass) {
            case 0 -> amount % (10 * MINUTE); // quiz triples, bursts
            case 1 -> 10 * MINUTE + amount * 21L % (6 * HOUR); // within the day
            case 2 -> 6 * HOUR + amount * 109L % (30 * HOUR); // the daily rhythm: streaks and their breaks
            case 3 -> 2 * DAY + amount * 691L % (8 * DAY); // away for days
            default -> 10 * DAY + amount * 4_321L % (50 * DAY); // gone for weeks, up to 60 days
        };
    }

    private static Double valueOf(String type, int amount) {
        if (type.equals("purchase")) {
            return amount % 10 == 0 ? null : 5 + amount / 10.0 + (amount % 3) * 0.25;
        }
        if (type.equals("add_to_cart")) {
            return amount % 4 == 0 ? null : 10 + amount % 90 + 0.99;
        }
        return null;
    }

    private static Map<String, String> propertiesOf(String type, int amount) {
        Map<String, String> p = new HashMap<>();
        if (type.startsWith("feature_") && amount % 5 != 0) { // some lack the property they are grouped by
            p.put("feature", "f" + amount % 2);
        }
        if (type.equals("payment_failed") && amount % 3 != 0) {
            p.put("reason", amount % 2 == 0 ? "card_declined" : "expired");
        }
        return p;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("\n");
        for (Input input : inputs) {
            s.append("  ").append(input).append('\n');
        }
        return s.toString();
    }
}
