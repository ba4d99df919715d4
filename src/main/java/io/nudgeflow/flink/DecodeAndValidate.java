package io.nudgeflow.flink;

import io.nudgeflow.avro.UserEvent;
import io.nudgeflow.domain.Event;
import io.nudgeflow.io.AvroMapping;
import io.nudgeflow.io.BadEventException;
import io.nudgeflow.io.DeadLetter;
import io.nudgeflow.io.EventDecoder;
import io.nudgeflow.io.RawEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes and validates raw input into the engine's {@link Event}; anything unusable goes, unchanged and with its
 * reason, to the DLQ output.
 */
public final class DecodeAndValidate extends ProcessFunction<RawEvent, Event> {
    private final EventDecoder decoder;
    private final EngineSettings settings;
    private transient Counter deadLetters;

    public DecodeAndValidate(EventDecoder decoder, EngineSettings settings) {
        this.decoder = decoder;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<Event> out) {
        try {
            settings.validator().checkSize(raw);
            UserEvent event = decoder.decode(raw.value);
            settings.validator().validate(event, settings.clock().toSim(ctx.timerService().currentProcessingTime()));
            out.collect(AvroMapping.toDomain(event));
        } catch (BadEventException e) {
            deadLetters.inc();
            ctx.output(Descriptors.DEAD_LETTERS, new DeadLetter(raw, e.getMessage()));
        }
    }
}
