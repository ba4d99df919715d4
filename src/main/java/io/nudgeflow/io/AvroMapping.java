package io.nudgeflow.io;

import io.nudgeflow.avro.LifecycleStage;
import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.Event;
import io.nudgeflow.domain.FiredTrigger;
import io.nudgeflow.domain.Outcome;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.domain.StageChange;
import java.time.Instant;

/** Between the public Avro contract and the domain's own types. */
public final class AvroMapping {
    private AvroMapping() {}

    public static Event toDomain(UserEvent e) {
        return new Event(e.getEventId(), e.getUserId(), e.getEventType(), e.getEventTime().toEpochMilli(),
                e.getTimezone(), e.getValue(), e.getProperties());
    }

    public static Trigger toAvro(FiredTrigger t, long emittedAt) {
        return Trigger.newBuilder()
                .setTriggerId(t.triggerId())
                .setUserId(t.userId())
                .setRuleId(t.ruleId())
                .setKind(io.nudgeflow.avro.TriggerKind.valueOf(t.kind().name()))
                .setFireTime(Instant.ofEpochMilli(t.fireTime()))
                .setEmittedAt(Instant.ofEpochMilli(emittedAt))
                .setCauseEventId(t.causeEventId())
                .setStage(LifecycleStage.valueOf(t.stage().name()))
                .setVariant(t.variant())
                .setRuleSetVersion(t.ruleSetVersion())
                .setAttributes(new java.util.TreeMap<>(t.attributes()))
                .setSuppressedReason(t.suppressedReason())
                .build();
    }

    public static TriggerOutcome toAvro(Outcome o, long emittedAt) {
        return TriggerOutcome.newBuilder()
                .setTriggerId(o.triggerId())
                .setUserId(o.userId())
                .setRuleId(o.ruleId())
                .setVariant(o.variant())
                .setHoldout(o.holdout())
                .setSuppressedReason(o.suppressedReason())
                .setFireTime(Instant.ofEpochMilli(o.fireTime()))
                .setWindowEnd(Instant.ofEpochMilli(o.windowEnd()))
                .setConverted(o.converted())
                .setConvertedAt(o.converted() ? Instant.ofEpochMilli(o.convertedAt()) : null)
                .setTimeToConvertMs(o.timeToConvertMs())
                .setConvertingEventId(o.convertingEventId())
                .setEndedBy(o.end().name())
                .setRuleSetVersion(o.ruleSetVersion())
                .setEmittedAt(Instant.ofEpochMilli(emittedAt))
                .build();
    }

    public static SegmentChange toAvro(StageChange c, long emittedAt) {
        return SegmentChange.newBuilder()
                .setUserId(c.userId())
                .setFromStage(c.from() == null ? null : LifecycleStage.valueOf(c.from().name()))
                .setToStage(LifecycleStage.valueOf(c.to().name()))
                .setChangeTime(Instant.ofEpochMilli(c.changeTime()))
                .setEmittedAt(Instant.ofEpochMilli(emittedAt))
                .setReason(c.reason())
                .build();
    }
}
