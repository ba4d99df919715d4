package io.nudgeflow.domain;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A trigger decided by the engine.
 *
 * @param triggerId deterministic: a name-based UUID of user, rule, fire time and cause, so a redelivery
 *     (at-least-once sink, restore from a checkpoint, a replay) carries the same id
 * @param suppressedReason null when it goes to engagement-triggers
 */
public record FiredTrigger(
        String triggerId,
        String userId,
        String ruleId,
        TriggerKind kind,
        long fireTime,
        String causeEventId,
        Stage stage,
        String variant,
        String ruleSetVersion,
        Map<String, String> attributes,
        String suppressedReason) {

    static FiredTrigger of(String userId, Rule rule, long fireTime, String causeEventId, Stage stage,
            String variant, String ruleSetVersion, Map<String, String> attributes, String suppressedReason) {
        String name = userId + '\u0000' + rule.id() + '\u0000' + fireTime + '\u0000' + (causeEventId == null ? "" : causeEventId);
        String id = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
        return new FiredTrigger(id, userId, rule.id(), rule.kind(), fireTime, causeEventId, stage, variant,
                ruleSetVersion, attributes, suppressedReason);
    }
}
