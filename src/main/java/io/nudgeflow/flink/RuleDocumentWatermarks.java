package io.nudgeflow.flink;

import io.nudgeflow.rules.RuleDocument;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The rules input's watermark: always the end of time. The engine's event-time timers fire on the smaller of
 * its two inputs' watermarks; a rules input without one would hold every deadline back for ever, and one
 * marked idle would do so again the moment a document arrived.
 */
public final class RuleDocumentWatermarks {
    private RuleDocumentWatermarks() {}

    public static WatermarkStrategy<RuleDocument> none() {
        return WatermarkStrategy.forGenerator(context -> new EndOfTime());
    }

    private static final class EndOfTime implements WatermarkGenerator<RuleDocument> {
        private static final Watermark END = new Watermark(Long.MAX_VALUE);

        @Override
        public void onEvent(RuleDocument event, long eventTimestamp, WatermarkOutput output) {
            output.emitWatermark(END);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(END);
        }
    }
}
