package io.nudgeflow.domain;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rule set is in force at which instant of event time: the rule set a job started with, then every
 * rule set it switched to, each from its {@code effectiveFrom} on. A user is decided at every instant of
 * their timeline (an event, a deadline) by the rule set in force then, so live and replay agree whenever
 * they hold the same timeline, however late a rule set reached the job relative to the events.
 *
 * <p>Immutable. Hard bound: {@link #MAX_RULE_SETS} entries; the oldest goes first, and an instant before the
 * oldest kept entry is decided by that entry (only a user idle through that many switches notices).
 */
public final class RulesTimeline implements Serializable {
    /** Sixteen switches back: far more than a user idle since then needs in practice; each costs a parsed rule set. */
    public static final int MAX_RULE_SETS = 16;

    /**
     * One rule set and the instant it took over.
     *
     * @param seq unique within the job for ever (a user's state records the seq it was last decided by)
     * @param effectiveFrom epoch ms; {@link Long#MIN_VALUE} for the rule set the job started with
     * @param origin where it came from: {@code file:PATH} or {@code topic:TOPIC/PARTITION@OFFSET}
     * @param document the text it was parsed from (kept so a restore can parse it again)
     */
    public record Entry(int seq, long effectiveFrom, RuleSet rules, String origin, String document) implements Serializable {
        public boolean fromFile() {
            return origin.startsWith("file:");
        }
    }

    private final List<Entry> entries;
    private final int lastSeq;

    private RulesTimeline(List<Entry> entries, int lastSeq) {
        this.entries = List.copyOf(entries);
        this.lastSeq = lastSeq;
    }

    /** A timeline of one rule set, in force at every instant (seq 0: what users' state from before switching records). */
    public static RulesTimeline of(RuleSet rules, String origin, String document) {
        return new RulesTimeline(List.of(new Entry(0, Long.MIN_VALUE, rules, origin, document)), 0);
    }

    /** For tests and tools that have no text: the rule set alone. */
    public static RulesTimeline of(RuleSet rules) {
        return of(rules, "file:", null);
    }

    /** Rebuilds a timeline from its entries (a restore). */
    public static RulesTimeline restore(List<Entry> entries, int lastSeq) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a timeline has at least one rule set");
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).effectiveFrom() <= entries.get(i - 1).effectiveFrom()) {
                throw new IllegalArgumentException("entries must be in increasing effective order");
            }
        }
        return new RulesTimeline(entries, lastSeq);
    }

    /**
     * This timeline with {@code rules} in force from {@code effectiveFrom} on. The newest publication wins
     * from its instant: entries that would have taken over at or after it are dropped (a rule set scheduled
     * for tomorrow does not come back after today's fix).
     */
    public RulesTimeline switchTo(RuleSet rules, long effectiveFrom, String origin, String document) {
        List<Entry> kept = new ArrayList<>();
        for (Entry e : entries) {
            if (e.effectiveFrom() < effectiveFrom) {
                kept.add(e);
            }
        }
        kept.add(new Entry(lastSeq + 1, effectiveFrom, rules, origin, document));
        while (kept.size() > MAX_RULE_SETS) {
            kept.remove(0);
        }
        return new RulesTimeline(kept, lastSeq + 1);
    }

    public List<Entry> entries() {
        return entries;
    }

    public int lastSeq() {
        return lastSeq;
    }

    /** The newest publication: what a status reports as active. */
    public Entry latest() {
        return entries.get(entries.size() - 1);
    }

    /** The entry in force at {@code instant} (the oldest kept one for an instant before all of them). */
    public Entry at(long instant) {
        return entries.get(indexAt(instant));
    }

    int indexAt(long instant) {
        for (int i = entries.size() - 1; i > 0; i--) {
            if (entries.get(i).effectiveFrom() <= instant) {
                return i;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RulesTimeline[");
        for (Entry e : entries) {
            sb.append(' ').append(e.rules().version()).append('#').append(e.seq()).append('@')
                    .append(e.effectiveFrom() == Long.MIN_VALUE ? "start" : java.time.Instant.ofEpochMilli(e.effectiveFrom()));
        }
        return sb.append(" ]").toString();
    }
}
