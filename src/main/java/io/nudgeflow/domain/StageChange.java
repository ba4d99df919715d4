package io.nudgeflow.domain;

/** A user's lifecycle stage changed at {@code changeTime} (event time); {@code from} is null at first sighting. */
public record StageChange(String userId, Stage from, Stage to, long changeTime, String reason) {}
