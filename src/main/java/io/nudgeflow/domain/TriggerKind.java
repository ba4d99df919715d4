package io.nudgeflow.domain;

/** What a trigger is for; message senders pick channel and copy by it. */
public enum TriggerKind {
    REENGAGEMENT,
    NUDGE,
    STREAK,
    MILESTONE
}
