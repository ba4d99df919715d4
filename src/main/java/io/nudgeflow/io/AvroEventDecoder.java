package io.nudgeflow.io;

import io.nudgeflow.avro.UserEvent;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/** Avro single-object encoding (marker + schema fingerprint + body), as on the user-events topic. */
public final class AvroEventDecoder implements EventDecoder {
    @Override
    public UserEvent decode(byte[] bytes) throws BadEventException {
        if (bytes == null) {
            throw new BadEventException("UNDECODABLE: empty record value");
        }
        try {
            return UserEvent.getDecoder().decode(bytes);
        } catch (BadHeaderException e) {
            throw new BadEventException("UNDECODABLE: not Avro single-object encoding (" + e.getMessage() + ")");
        } catch (MissingSchemaException e) {
            throw new BadEventException("UNDECODABLE: unknown writer schema fingerprint (" + e.getMessage() + ")");
        } catch (Exception e) {
            throw new BadEventException("UNDECODABLE: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
