package io.nudgeflow.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.progress.SplitProgress.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InputProgressTest {
    private static final long T = 1_800_000_000_000L;
    private static final TopicPartition P0 = new TopicPartition("user-events", 0);
    private static final TopicPartition P1 = new TopicPartition("user-events", 1);

    @Test
    void aReaderWithoutPartitionsHasNoTimeToTell() {
        assertThat(new InputProgress(0).watermark(T)).isEqualTo(SplitProgress.NONE);
    }

    @Test
    void followsTheNewestEventTimeReadLessTheMaxEventDelay() {
        InputProgress progress = new InputProgress(500);
        SplitProgress split = progress.add("p0", P0, 0);

        split.read(0, T - 3_000);
        split.read(1, T - 5_000); // an older one after it: time does not go back
        split.read(2, SplitProgress.NONE); // a dead letter: no time of its own

        assertThat(progress.watermark(T)).isEqualTo(T - 3_000 - 500 - 1);
    }

    @Test
    void aPartitionNeitherReadNorProbedHoldsTheOthersBack() {
        InputProgress progress = new InputProgress(0);
        progress.add("p0", P0, 0).read(0, T - 1_000);
        SplitProgress waiting = progress.add("p1", P1, 7); // restored at offset 7, nothing read yet

        assertThat(progress.watermark(T)).isEqualTo(SplitProgress.NONE);

        waiting.probed(new ProbeResult(T - 100, 7)); // nothing past offset 7: read up to the probe's instant
        assertThat(progress.watermark(T)).isEqualTo(T - 1_000 - 1);
    }

    @Test
    void onceAProbeShowsEverythingWasReadTimeFollowsTheWallClock() {
        InputProgress progress = new InputProgress(0);
        SplitProgress split = progress.add("p0", P0, 0);
        split.read(0, T - 60_000);
        split.read(1, T - 50_000);

        split.probed(new ProbeResult(T - 20, 3)); // offset 2 had been appended: not read yet
        assertThat(progress.watermark(T)).isEqualTo(T - 50_000 - 1);

        split.read(2, T - 40_000); // now it has been: everything appended before T - 20 is read
        assertThat(progress.watermark(T)).isEqualTo(T - 20 - 1);
    }

    @Test
    void anAnswerTheReaderHasNotCaughtUpWithWaitsForItInsteadOfBeingReplacedByTheNext() {
        InputProgress progress = new InputProgress(0);
        SplitProgress split = progress.add("p0", P0, 0);
        split.read(0, T - 50);
        // a steady stream: each answer comes while the reader is a fetch behind the end it names
        split.probed(new ProbeResult(T - 30, 2));
        split.probed(new ProbeResult(T - 20, 3));
        split.probed(new ProbeResult(T - 10, 4));
        assertThat(progress.watermark(T)).isEqualTo(T - 50 - 1);

        split.read(1, T - 40);
        split.read(2, T - 35); // past the second answer's end, not the third's
        assertThat(progress.watermark(T)).isEqualTo(T - 20 - 1);
    }

    /** Under load the reader emits a watermark as soon as a record may move it, not only at the probe's tick. */
    @Test
    void aRecordSaysWhenItMayMoveThePartitionsTime() {
        SplitProgress split = new InputProgress(0).add("p0", P0, 0);

        assertThat(split.read(0, T - 50)).as("a newer event time").isTrue();
        assertThat(split.read(1, T - 60)).as("an older one").isFalse();
        assertThat(split.read(2, SplitProgress.NONE)).as("a dead letter").isFalse();
        split.probed(new ProbeResult(T - 10, 5));
        assertThat(split.read(3, T - 70)).as("short of the end a probe named").isFalse();
        assertThat(split.read(4, T - 70)).as("reaching it: caught up as of the probe").isTrue();
    }

    @Test
    void neverAheadOfTheWallClockThoughAnEventSaysItIsLater() {
        InputProgress progress = new InputProgress(0);
        progress.add("p0", P0, 0).read(0, T + 30 * 60_000); // a device clock half an hour ahead

        assertThat(progress.watermark(T)).isEqualTo(T - 1);
    }

    @Test
    void aFinishedPartitionHoldsNothingBackAndAStartingMarkerWaitsForItsResolution() {
        InputProgress progress = new InputProgress(0);
        progress.add("p0", P0, 0).read(0, T - 5_000);
        SplitProgress fresh = progress.add("p1", P1, org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit.COMMITTED_OFFSET);
        fresh.probed(new ProbeResult(T - 10, 0)); // an end offset, but where reading starts is not known yet
        assertThat(progress.watermark(T)).isEqualTo(SplitProgress.NONE);

        fresh.resolveStart(org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit.COMMITTED_OFFSET, 0);
        assertThat(progress.watermark(T)).isEqualTo(T - 5_000 - 1);

        progress.remove("p0");
        assertThat(progress.watermark(T)).isEqualTo(T - 10 - 1);
    }

    /**
     * The guarantee deadlines rest on: when every event reaches Kafka within the max event delay of its time,
     * the watermark never passes an event the reader has not handed on yet — whatever the interleaving of
     * appends, reads and probes over several partitions, and however late a probe's answer arrives.
     */
    @Property
    void theWatermarkNeverPassesAnEventNotYetReadThatReachedKafkaInTime(@ForAll("operations") List<Integer> operations,
            @ForAll @IntRange(min = 0, max = 2_000) int maxEventDelay) {
        InputProgress progress = new InputProgress(maxEventDelay);
        List<Partition> partitions = List.of(new Partition(progress.add("p0", P0, 0)), new Partition(progress.add("p1", P1, 0)));
        long now = T;
        List<long[]> probesInFlight = new ArrayList<>(); // {partition, sentAt, endOffset}
        java.util.Random random = new java.util.Random(operations.hashCode());
        for (int op : operations) {
            Partition p = partitions.get(op % 2);
            switch (op / 2 % 5) {
                case 0 -> now += random.nextInt(300);
                // a device's event reaches Kafka up to the max event delay after it happened
                case 1 -> p.log.add(now - random.nextInt(maxEventDelay + 1));
                case 2 -> p.readNext();
                case 3 -> probesInFlight.add(new long[] {op % 2, now, p.log.size()});
                default -> {
                    if (!probesInFlight.isEmpty()) { // answers come back in order, later than asked
                        long[] probe = probesInFlight.remove(0);
                        partitions.get((int) probe[0]).split.probed(new ProbeResult(probe[1], probe[2]));
                    }
                }
            }
            long watermark = progress.watermark(now);
            assertThat(watermark).isLessThan(now);
            for (Partition q : partitions) {
                for (int i = q.read; i < q.log.size(); i++) {
                    assertThat(q.log.get(i)).as("an event not read yet, after %s", progress).isGreaterThan(watermark);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> operations() {
        return Arbitraries.integers().between(0, 9).list().ofMaxSize(300);
    }

    /** A partition's log (event times in append order) and how far the reader has read it. */
    private static final class Partition {
        final SplitProgress split;
        final List<Long> log = new ArrayList<>();
        int read;

        Partition(SplitProgress split) {
            this.split = split;
        }

        void readNext() {
            if (read < log.size()) {
                split.read(read, log.get(read));
                read++;
            }
        }
    }
}
