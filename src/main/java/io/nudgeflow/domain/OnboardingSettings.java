package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.List;

/**
 * The onboarding checklist: a user is NEW until every step's event type has been seen.
 *
 * @param startEvent the event type that (re)starts the onboarding clock, e.g. {@code signup}
 * @param checklist step event types in checklist order (at most 31)
 */
public record OnboardingSettings(String startEvent, List<String> checklist) implements Serializable {
    public OnboardingSettings {
        checklist = List.copyOf(checklist);
    }

    int completeMask() {
        return (1 << checklist.size()) - 1;
    }

    int stepIndex(String eventType) {
        return checklist.indexOf(eventType);
    }

    /** The first step not yet done, in checklist order, or null when complete. */
    String nextStep(int doneMask) {
        for (int i = 0; i < checklist.size(); i++) {
            if ((doneMask & (1 << i)) == 0) {
                return checklist.get(i);
            }
        }
        return null;
    }
}
