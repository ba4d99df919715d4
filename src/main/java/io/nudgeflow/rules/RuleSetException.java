package io.nudgeflow.rules;

/** An invalid rule file, with where and what: {@code rules.yaml:14: rule 'inactive_24h', field 'after': ...}. */
public final class RuleSetException extends RuntimeException {
    public RuleSetException(String message) {
        super(message);
    }

    public RuleSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
