package io.nudgeflow.flink;

import io.nudgeflow.domain.Event;
import org.apache.flink.api.java.functions.KeySelector;

/** Events are keyed by user id: everything a user's outputs depend on lives in that key's state. */
public final class UserIdSelector implements KeySelector<Event, String> {
    @Override
    public String getKey(Event event) {
        return event.userId();
    }
}
