package io.nudgeflow.rules;

import io.nudgeflow.domain.ClockScale;
import io.nudgeflow.domain.RuleSet;
import io.nudgeflow.domain.RulesTimeline;
import java.time.Instant;
import java.util.List;

/**
 * What a job does with a document from the rules topic: validate it, and either switch to it from its
 * effective instant or keep the active rule set, saying which in a {@link RuleStatus}. Plain Java: the live
 * operator, the start-up read of the topic and the tests decide the same way.
 */
public final class RuleSwitches implements java.io.Serializable {
    private final String job;
    private final String ruleSetId;
    private final ClockScale clock;

    /**
     * @param job the job's name in status records (its consumer group)
     * @param ruleSetId the key of the documents this job follows; records with another key are for other jobs
     * @param clock wall clock to event time (identity outside the demo): a document without an effective
     *     instant takes effect when it was published
     */
    public RuleSwitches(String job, String ruleSetId, ClockScale clock) {
        this.job = job;
        this.ruleSetId = ruleSetId;
        this.clock = clock;
    }

    /** The outcome of one document: the timeline from now on (the same one unless accepted) and its status. */
    public record Decision(RulesTimeline timeline, RuleStatus status) {
        public boolean accepted() {
            return RuleStatus.ACCEPTED.equals(status.outcome());
        }
    }

    /** Whether a record is addressed to this job (its key is this job's rule set id). */
    public boolean follows(RuleDocument doc) {
        return ruleSetId.equals(doc.ruleSetId);
    }

    /**
     * @param wallNow epoch ms, for {@code decided_at} only
     */
    public Decision decide(RulesTimeline current, RuleDocument doc, long wallNow) {
        String active = current.latest().rules().version();
        long effectiveFrom = doc.effectiveFrom != null ? doc.effectiveFrom : clock.toSim(doc.publishedAt);
        if (doc.badEffectiveFrom != null) {
            return reject(current, doc, null, effectiveFrom, wallNow, new RuleStatus.Problem(null, null, null,
                    "header " + RuleDocument.EFFECTIVE_FROM_HEADER + " is not an ISO-8601 instant or epoch milliseconds: '"
                            + doc.badEffectiveFrom + "'"));
        }
        if (doc.text == null || doc.text.isBlank()) {
            return reject(current, doc, null, effectiveFrom, wallNow,
                    new RuleStatus.Problem(null, null, null, "the record has no document (an empty value)"));
        }
        RuleSet rules;
        try {
            rules = RuleSetParser.parse(doc.text, doc.origin());
        } catch (RuleSetException e) {
            return reject(current, doc, null, effectiveFrom, wallNow, RuleStatus.Problem.of(e));
        }
        if (rules.version().equals(active)) {
            return new Decision(current, status(doc, RuleStatus.UNCHANGED, rules.version(), active, effectiveFrom, List.of(), wallNow));
        }
        RulesTimeline next = current.switchTo(rules, effectiveFrom, doc.origin(), doc.text);
        return new Decision(next, status(doc, RuleStatus.ACCEPTED, rules.version(), rules.version(), effectiveFrom, List.of(), wallNow));
    }

    /**
     * Documents read at start-up, decided in order: the timeline a job without state starts with.
     *
     * @return the timeline, and a status for each document this job follows
     */
    public Start atStart(RulesTimeline start, List<RuleDocument> docs, long wallNow) {
        RulesTimeline timeline = start;
        List<RuleStatus> statuses = new java.util.ArrayList<>();
        for (RuleDocument doc : docs) {
            if (follows(doc)) {
                Decision d = decide(timeline, doc, wallNow);
                timeline = d.timeline();
                statuses.add(d.status());
            }
        }
        return new Start(timeline, statuses);
    }

    public record Start(RulesTimeline timeline, List<RuleStatus> statuses) {}

    private Decision reject(RulesTimeline current, RuleDocument doc, String version, long effectiveFrom, long wallNow,
            RuleStatus.Problem problem) {
        return new Decision(current, status(doc, RuleStatus.REJECTED, version, current.latest().rules().version(),
                effectiveFrom, List.of(problem), wallNow));
    }

    private RuleStatus status(RuleDocument doc, String outcome, String version, String active, long effectiveFrom,
            List<RuleStatus.Problem> errors, long wallNow) {
        return new RuleStatus(job, doc.ruleSetId, outcome, version, active, Instant.ofEpochMilli(effectiveFrom).toString(),
                errors, doc.topic, doc.partition, doc.offset, Instant.ofEpochMilli(wallNow).toString());
    }
}
