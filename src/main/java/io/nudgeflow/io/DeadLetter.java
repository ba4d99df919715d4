package io.nudgeflow.io;

/** A record that could not be used, with why; goes to user-events-dlq with its original bytes. */
public class DeadLetter {
    public RawEvent raw;
    public String reason;

    public DeadLetter() {}

    public DeadLetter(RawEvent raw, String reason) {
        this.raw = raw;
        this.reason = reason;
    }
}
