package io.nudgeflow.domain;

import java.util.Map;

/**
 * A validated user event as the engine sees it.
 *
 * @param time epoch milliseconds (UTC) when it happened on the device
 * @param zone IANA zone id, or null when the event carried none
 * @param value purchase amount or progress, or null
 */
public record Event(
        String eventId,
        String userId,
        String type,
        long time,
        String zone,
        Double value,
        Map<String, String> properties) {

    public Event {
        properties = properties == null ? Map.of() : properties;
    }
}
