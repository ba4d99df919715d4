package io.nudgeflow.io;

/** Input that cannot become a {@code UserEvent}; the message is the dead-letter reason. */
public final class BadEventException extends Exception {
    public BadEventException(String reason) {
        super(reason, null, false, false);
    }
}
