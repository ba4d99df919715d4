package io.nudgeflow.bench;

/** The jobs measured side by side, cheapest first. */
enum JobKind {
    KAFKA_ONLY("Kafka only (produce -> consume)"),
    PASSTHROUGH("Flink passthrough (source -> map -> sink)"),
    KEYED_PASSTHROUGH("Flink keyed passthrough (keyBy + stateless map)"),
    NUDGEFLOW("Nudgeflow (RocksDB, all default rules)");

    final String label;

    JobKind(String label) {
        this.label = label;
    }
}
