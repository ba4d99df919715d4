package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.List;

/**
 * An experiment on a rule: a holdout share whose triggers are suppressed ({@code HOLDOUT}) and weighted
 * variants whose name goes into {@code Trigger.variant} and whose attributes are added to the trigger's.
 * Assignment is a stable hash of experiment id and user id: the same user is in the same arm on every
 * machine, in every replay, forever.
 */
public record Experiment(String id, double holdout, List<Variant> variants) implements Serializable {

    public record Variant(String name, double weight, AttributeTemplate attributes) implements Serializable {}

    /** The user's arm: {@code variant} is null for the holdout. */
    public record Assignment(boolean holdout, Variant variant) {}

    public Experiment {
        variants = List.copyOf(variants);
    }

    public Assignment assign(String userId) {
        double point = StableHash.unitInterval(id + '\u0000' + userId);
        if (point < holdout) {
            return new Assignment(true, null);
        }
        double total = variants.stream().mapToDouble(Variant::weight).sum();
        double scaled = (point - holdout) / (1 - holdout) * total;
        double upTo = 0;
        for (Variant v : variants) {
            upTo += v.weight();
            if (scaled < upTo) {
                return new Assignment(false, v);
            }
        }
        return new Assignment(false, variants.get(variants.size() - 1));
    }
}
