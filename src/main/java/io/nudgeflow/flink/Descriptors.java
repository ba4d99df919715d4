package io.nudgeflow.flink;

import io.nudgeflow.avro.SegmentChange;
import io.nudgeflow.avro.Trigger;
import io.nudgeflow.avro.TriggerOutcome;
import io.nudgeflow.domain.Event;
import io.nudgeflow.io.DeadLetter;
import java.time.Duration;
import io.nudgeflow.rules.RuleDocument;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The one registry of state descriptors, output tags and stream types. Names here are part of savepoints. */
public final class Descriptors {
    public static final TypeInformation<Event> EVENT = new EventTypeInfo();
    public static final TypeInformation<Trigger> TRIGGER = new AvroTypeInfo<>(Trigger.class);
    public static final TypeInformation<SegmentChange> SEGMENT_CHANGE = new AvroTypeInfo<>(SegmentChange.class);

    public static final OutputTag<SegmentChange> SEGMENT_CHANGES = new OutputTag<>("segment-changes", SEGMENT_CHANGE);
    public static final OutputTag<Trigger> SUPPRESSED_TRIGGERS = new OutputTag<>("suppressed-triggers", TRIGGER);
    public static final TypeInformation<TriggerOutcome> TRIGGER_OUTCOME = new AvroTypeInfo<>(TriggerOutcome.class);
    public static final OutputTag<TriggerOutcome> TRIGGER_OUTCOMES = new OutputTag<>("trigger-outcomes", TRIGGER_OUTCOME);
    public static final TypeInformation<RuleDocument> RULE_DOCUMENT = Types.POJO(RuleDocument.class);
    /** What the job made of each rules-topic record, as JSON (one per job: from the first engine instance). */
    public static final OutputTag<String> RULE_STATUS = new OutputTag<>("rule-status", Types.STRING);
    /** The rule timeline, the same on every engine instance: one entry under {@link #TIMELINE_KEY}, JSON. */
    public static final MapStateDescriptor<String, String> RULES_TIMELINE =
            new MapStateDescriptor<>("rules-timeline", Types.STRING, Types.STRING);
    public static final String TIMELINE_KEY = "timeline";
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private Descriptors() {}

    /**
     * The whole per-user state: one byte array in {@code UserStateCodec} format, read and written once per
     * event. With {@code retention}, a user untouched that long is dropped by RocksDB compaction.
     */
    public static ValueStateDescriptor<byte[]> userState(Duration retention) {
        ValueStateDescriptor<byte[]> descriptor =
                new ValueStateDescriptor<>("user", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        if (retention != null) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(10_000)
                    .build());
        }
        return descriptor;
    }
}
