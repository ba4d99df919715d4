package io.nudgeflow.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * What a job made of one rules-topic record, written as JSON to the rules status topic (key: the rule set id).
 *
 * @param job the job's consumer group: one status line per job and document
 * @param outcome {@code ACCEPTED} (in force from {@code effectiveFrom}), {@code REJECTED} (the active set stays),
 *     {@code UNCHANGED} (its version is the active one: nothing happens)
 * @param version the document's version, null when it could not be read
 * @param activeVersion the newest rule set of the job after this decision
 * @param effectiveFrom ISO-8601 instant from which an accepted set decides users
 * @param errors why it was rejected, empty otherwise
 * @param decidedAt ISO-8601 wall clock of the decision
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleStatus(
        @JsonProperty("job") String job,
        @JsonProperty("rule_set_id") String ruleSetId,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("version") String version,
        @JsonProperty("active_version") String activeVersion,
        @JsonProperty("effective_from") String effectiveFrom,
        @JsonProperty("errors") List<Problem> errors,
        @JsonProperty("topic") String topic,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset,
        @JsonProperty("decided_at") String decidedAt) {

    public static final String ACCEPTED = "ACCEPTED";
    public static final String REJECTED = "REJECTED";
    public static final String UNCHANGED = "UNCHANGED";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One error, with the rule and field it is in when it is in one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(@JsonProperty("rule") String rule, @JsonProperty("field") String field,
            @JsonProperty("line") Integer line, @JsonProperty("message") String message) {

        static Problem of(RuleSetException e) {
            return new Problem(e.ruleId(), e.field(), e.line() == 0 ? null : e.line(), e.problem());
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RuleStatus fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, RuleStatus.class);
    }
}
