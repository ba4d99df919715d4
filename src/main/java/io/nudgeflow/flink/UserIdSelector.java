package io.nudgeflow.flink;

import io.nudgeflow.avro.UserEvent;
import org.apache.flink.api.java.functions.KeySelector;

/** Events are keyed by user id: everything a user's outputs depend on lives in that key's state. */
public final class UserIdSelector implements KeySelector<UserEvent, String> {
    @Override
    public String getKey(UserEvent event) {
        return event.getUserId();
    }
}
