package io.nudgeflow.domain;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * What counts as success after a rule's trigger, and for how long the engine waits for it: one of
 * {@code events} (any active event when the list is empty) strictly after the fire time and no later than
 * fire time + {@code within}. The window belongs to the trigger: a later change of the rule's goal or of the
 * active events does not change what a trigger already sent is measured by.
 *
 * @param events goal event types; empty means any event that is active under the rule set in force
 */
public record Goal(List<String> events, Duration within) implements Serializable {
    /** What an outcome window waits for when a rule does not say: any active event within 48 hours. */
    public static final Duration DEFAULT_WITHIN = Duration.ofHours(48);
    /** Goal event types per rule at most: every open window keeps them in the user's state. */
    public static final int MAX_EVENTS = 16;

    public Goal {
        events = List.copyOf(events);
    }

    public static Goal active(Duration within) {
        return new Goal(List.of(), within);
    }

    public boolean anyActiveEvent() {
        return events.isEmpty();
    }

    /** Whether an event of {@code type} (active or not under the rules in force) reaches a goal listing {@code events}. */
    static boolean reachedBy(List<String> events, String type, boolean active) {
        return events.isEmpty() ? active : events.contains(type);
    }

    /** How the rule file writes it: {@code active} or the event list, and the window. */
    public String describe() {
        return (events.isEmpty() ? "any active event" : String.join(" or ", events)) + " within " + Durations.format(within);
    }
}
