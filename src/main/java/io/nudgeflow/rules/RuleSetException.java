package io.nudgeflow.rules;

/**
 * An invalid rule file, with where and what: {@code rules.yaml:14: rule 'inactive_24h', field 'after': ...}.
 * The parts are kept apart too, for the rules status topic.
 */
public final class RuleSetException extends RuntimeException {
    private final String ruleId;
    private final String field;
    private final int line;
    private final String problem;

    public RuleSetException(String message) {
        this(message, null, null, 0, message);
    }

    public RuleSetException(String message, Throwable cause) {
        super(message, cause);
        this.ruleId = null;
        this.field = null;
        this.line = 0;
        this.problem = message;
    }

    RuleSetException(String message, String ruleId, String field, int line, String problem) {
        super(message);
        this.ruleId = ruleId;
        this.field = field;
        this.line = line;
        this.problem = problem;
    }

    /** The rule the error is in, or null when it is outside the rules (or the document is not readable). */
    public String ruleId() {
        return ruleId;
    }

    /** The field at fault, or null. */
    public String field() {
        return field;
    }

    /** The line of the document, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** What is wrong, without where. */
    public String problem() {
        return problem;
    }
}
