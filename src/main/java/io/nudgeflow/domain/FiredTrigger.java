package io.nudgeflow.domain;

import java.util.Map;
import java.util.UUID;

/**
 * A trigger decided by the engine.
 *
 * @param triggerId deterministic: a 128-bit hash of user, rule, fire time and cause in UUID form, so a
 *     redelivery (at-least-once sink, restore from a checkpoint, a replay) carries the same id
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
        // two independent 64-bit stable hashes: as deterministic as a name-based UUID, without MD5 per trigger
        String id = new UUID(StableHash.hash64(name), StableHash.hash64(name + '\u0001')).toString();
        return new FiredTrigger(id, userId, rule.id(), rule.kind(), fireTime, causeEventId, stage, variant,
                ruleSetVersion, attributes, suppressedReason);
    }
}
