package io.nudgeflow.flink;

import io.nudgeflow.domain.Event;
import io.nudgeflow.io.DeadLetter;
import io.nudgeflow.io.EventIntake;
import io.nudgeflow.io.RawEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes each valid {@link Event} on and sends anything unusable, unchanged and with its reason, to the DLQ
 * output. The live source has decoded and validated the record already (its watermark needs the event
 * times); a record that comes undecoded (replay's file source) is checked here, by the same {@link EventIntake}.
 */
public final class DecodeAndValidate extends ProcessFunction<RawEvent, Event> {
    private final EventIntake intake;
    private transient Counter deadLetters;

    public DecodeAndValidate(EventIntake intake) {
        this.intake = intake;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<Event> out) {
        if (!raw.checked()) {
            intake.check(raw, ctx.timerService().currentProcessingTime());
        }
        if (raw.event != null) {
            out.collect(raw.event);
        } else {
            deadLetters.inc();
            ctx.output(Descriptors.DEAD_LETTERS, new DeadLetter(raw, raw.rejection));
        }
    }
}
