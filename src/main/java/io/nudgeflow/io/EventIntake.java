package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.ClockScale;
import java.io.Serializable;

/**
 * Decodes and validates one raw record where it is read: the source then knows each valid event's time (its
 * watermark follows them), and a bad record's reason travels with its original bytes to the dead-letter
 * output. Live and replay run the same checks.
 */
public final class EventIntake implements Serializable {
    private final EventDecoder decoder;
    private final EventValidator validator;
    private final ClockScale clock;

    public EventIntake(EventDecoder decoder, EventValidator validator, ClockScale clock) {
        this.decoder = decoder;
        this.validator = validator;
        this.clock = clock;
    }

    /** Sets {@code raw.event} or {@code raw.rejection}; {@code wallNowMs} is the wall clock (the future check). */
    public void check(RawEvent raw, long wallNowMs) {
        try {
            validator.checkSize(raw);
            UserEvent event = decoder.decode(raw.value);
            validator.validate(event, clock.toSim(wallNowMs));
            raw.event = AvroMapping.toDomain(event);
        } catch (BadEventException e) {
            raw.rejection = e.getMessage();
        }
    }
}
