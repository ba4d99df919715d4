package io.nudgeflow.domain;

import java.io.Serializable;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Set;

/**
 * The guardrails of SPEC section 5 as settings of a rule set.
 *
 * @param frequencyCapPerLocalDay triggers per user per local day on engagement-triggers; 0 disables
 * @param quietStart local start of quiet hours; null disables quiet hours
 * @param quietKinds kinds deferred to {@code quietEnd} when due in quiet hours
 * @param staleAfter live only: a deadline trigger emitted later than this after its fire time is STALE
 */
public record Guardrails(
        int frequencyCapPerLocalDay,
        LocalTime quietStart,
        LocalTime quietEnd,
        Set<TriggerKind> quietKinds,
        Duration staleAfter,
        String optOutEvent,
        String optInEvent,
        String erasureEvent) implements Serializable {

    public Guardrails {
        quietKinds = Set.copyOf(quietKinds);
    }

    public static Guardrails defaults() {
        return new Guardrails(3, LocalTime.of(22, 0), LocalTime.of(8, 0),
                Set.of(TriggerKind.REENGAGEMENT, TriggerKind.NUDGE), Duration.ofHours(1),
                "notifications_opt_out", "notifications_opt_in", "user_erased");
    }
}
