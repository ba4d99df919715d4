package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import java.io.Serializable;

/** Turns input bytes into a {@link UserEvent}: Avro single-object on Kafka, JSON lines in replay. */
public interface EventDecoder extends Serializable {
    UserEvent decode(byte[] bytes) throws BadEventException;
}
