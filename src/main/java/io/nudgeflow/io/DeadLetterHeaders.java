package io.nudgeflow.io;

/** Headers on a user-events-dlq record: why it was rejected and where it came from. */
public final class DeadLetterHeaders {
    public static final String REASON = "nudgeflow.dlq.reason";
    public static final String SOURCE_TOPIC = "nudgeflow.dlq.source.topic";
    public static final String SOURCE_PARTITION = "nudgeflow.dlq.source.partition";
    public static final String SOURCE_OFFSET = "nudgeflow.dlq.source.offset";

    private DeadLetterHeaders() {}
}
