package io.nudgeflow.io;

import java.io.Serializable;
import java.util.List;

/** The topic names of SPEC section 2; each can be renamed on the command line. */
public record Topics(
        String userEvents,
        String engagementTriggers,
        String segmentChanges,
        String suppressedTriggers,
        String deadLetters,
        String triggerOutcomes,
        String rules,
        String rulesStatus) implements Serializable {

    public static final String USER_EVENTS = "user-events";
    public static final String ENGAGEMENT_TRIGGERS = "engagement-triggers";
    public static final String SEGMENT_CHANGES = "segment-changes";
    public static final String SUPPRESSED_TRIGGERS = "suppressed-triggers";
    public static final String USER_EVENTS_DLQ = "user-events-dlq";
    public static final String TRIGGER_OUTCOMES = "trigger-outcomes";
    public static final String RULES = "nudgeflow-rules";
    public static final String RULES_STATUS = "nudgeflow-rules-status";

    /** The SPEC's data topics renamed; outcomes and the rules topics by their default names. */
    public Topics(String userEvents, String engagementTriggers, String segmentChanges, String suppressedTriggers,
            String deadLetters) {
        this(userEvents, engagementTriggers, segmentChanges, suppressedTriggers, deadLetters, TRIGGER_OUTCOMES, RULES,
                RULES_STATUS);
    }

    public static Topics defaults() {
        return new Topics(USER_EVENTS, ENGAGEMENT_TRIGGERS, SEGMENT_CHANGES, SUPPRESSED_TRIGGERS, USER_EVENTS_DLQ);
    }

    /** The topics of events and what the job makes of them (any number of partitions). */
    public List<String> all() {
        return List.of(userEvents, engagementTriggers, segmentChanges, suppressedTriggers, deadLetters, triggerOutcomes);
    }

    /** The rules topic and its status topic: one partition each, so publications keep their order. */
    public List<String> control() {
        return List.of(rules, rulesStatus);
    }
}
