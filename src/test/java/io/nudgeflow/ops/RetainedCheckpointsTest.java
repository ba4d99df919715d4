package io.nudgeflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainedCheckpointsTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final String RUNNING = "0123456789abcdef0123456789abcdef";
    private static final String RESTARTING = "1123456789abcdef0123456789abcdef";
    private static final String CANCELED_OLD = "2123456789abcdef0123456789abcdef";
    private static final String CANCELED_RECENT = "3123456789abcdef0123456789abcdef";
    private static final String FAILED_OLD = "4123456789abcdef0123456789abcdef";
    private static final String UNKNOWN_OLD = "5123456789abcdef0123456789abcdef";

    @Test
    void onlyOldDirectoriesOfJobsTheClusterDoesNotRunMayGo(@TempDir Path dir) throws Exception {
        Instant old = NOW.minus(Duration.ofDays(3));
        jobDir(dir, RUNNING, old);
        jobDir(dir, RESTARTING, old);
        jobDir(dir, CANCELED_OLD, old);
        jobDir(dir, CANCELED_RECENT, NOW.minus(Duration.ofHours(1)));
        jobDir(dir, FAILED_OLD, old);
        jobDir(dir, UNKNOWN_OLD, old);
        Files.createDirectories(dir.resolve("not-a-job"));

        List<RetainedCheckpoints.Verdict> verdicts = RetainedCheckpoints.judge(RetainedCheckpoints.scan(dir),
                Map.of(RUNNING, "RUNNING", RESTARTING, "RESTARTING", CANCELED_OLD, "CANCELED",
                        CANCELED_RECENT, "CANCELED", FAILED_OLD, "FAILED"), NOW.minus(Duration.ofHours(24)));

        assertThat(verdicts).extracting(v -> v.job().jobId()).doesNotContain("not-a-job").hasSize(6);
        assertThat(verdicts).filteredOn(RetainedCheckpoints.Verdict::delete).extracting(v -> v.job().jobId())
                .containsExactlyInAnyOrder(CANCELED_OLD, FAILED_OLD, UNKNOWN_OLD);
        assertThat(verdicts).filteredOn(v -> v.job().jobId().equals(CANCELED_RECENT)).singleElement()
                .extracting(RetainedCheckpoints.Verdict::reason).asString().contains("grace period");
    }

    @Test
    void aFileWrittenLateInAnOldDirectoryKeepsIt(@TempDir Path dir) throws Exception {
        Path job = jobDir(dir, CANCELED_OLD, NOW.minus(Duration.ofDays(3)));
        Path recent = Files.writeString(job.resolve("shared").resolve("late"), "x");
        Files.setLastModifiedTime(recent, FileTime.from(NOW.minus(Duration.ofMinutes(5))));

        assertThat(RetainedCheckpoints.judge(RetainedCheckpoints.scan(dir), Map.of(CANCELED_OLD, "CANCELED"),
                NOW.minus(Duration.ofHours(24)))).singleElement().extracting(RetainedCheckpoints.Verdict::delete)
                .isEqualTo(false);
    }

    @Test
    void deleteRemovesTheWholeDirectory(@TempDir Path dir) throws Exception {
        Path job = jobDir(dir, CANCELED_OLD, NOW.minus(Duration.ofDays(3)));

        RetainedCheckpoints.delete(RetainedCheckpoints.scan(dir).get(0));

        assertThat(job).doesNotExist();
        assertThat(dir).exists();
    }

    /** A checkpoint directory as Flink writes it: chk-N with _metadata, shared, taskowned. */
    private static Path jobDir(Path root, String jobId, Instant written) throws Exception {
        Path job = root.resolve(jobId);
        Path chk = Files.createDirectories(job.resolve("chk-7"));
        Files.createDirectories(job.resolve("shared"));
        Files.createDirectories(job.resolve("taskowned"));
        Path metadata = Files.writeString(chk.resolve("_metadata"), "state");
        for (Path p : List.of(metadata, chk, job.resolve("shared"), job.resolve("taskowned"), job)) {
            Files.setLastModifiedTime(p, FileTime.from(written));
        }
        return job;
    }

    @Test
    void aFileThatIsNoLongerThereIsNoErrorOfTheScan(@TempDir Path dir) throws Exception {
        Path job = Files.createDirectories(dir.resolve(CANCELED_OLD).resolve("chk-7"));
        // what a file deleted between listing and reading its time looks like, made to last: a dangling link
        Files.createSymbolicLink(job.resolve("_metadata"), dir.resolve("deleted-meanwhile"));

        List<RetainedCheckpoints.JobDir> dirs = RetainedCheckpoints.scan(dir);

        assertThat(dirs).singleElement().satisfies(d -> assertThat(d.jobId()).isEqualTo(CANCELED_OLD));
    }
}
