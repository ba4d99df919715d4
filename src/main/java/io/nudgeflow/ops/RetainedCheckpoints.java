package io.nudgeflow.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints that Flink keeps of jobs that no longer run ({@code RETAIN_ON_CANCELLATION}): a directory
 * per job id under the checkpoint directory, never deleted by Flink, holding every user who was in them —
 * erased users too. Decides which of them may go: those of jobs the cluster does not run (finished, cancelled,
 * failed, or unknown to it) whose newest file is older than a grace period, so a failed job can still be
 * restored within it. A job the cluster runs is never touched.
 */
public final class RetainedCheckpoints {
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    private static final List<String> ENDED = List.of("FINISHED", "CANCELED", "FAILED");

    private RetainedCheckpoints() {}

    /** One job's checkpoint directory. */
    public record JobDir(Path dir, String jobId, Instant newestFile) {}

    /** What to do with a job's directory, and why. */
    public record Verdict(JobDir job, boolean delete, String reason) {}

    /** The job directories under a checkpoint directory (named by a Flink job id). */
    public static List<JobDir> scan(Path checkpointDir) {
        try (Stream<Path> children = Files.list(checkpointDir)) {
            List<JobDir> out = new ArrayList<>();
            for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                if (JOB_ID.matcher(name).matches()) {
                    out.add(new JobDir(dir, name, newestFile(dir)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param jobStates the cluster's jobs and their states (REST {@code /jobs/overview})
     * @param deleteBefore a directory whose newest file is older than this may go
     */
    public static List<Verdict> judge(List<JobDir> dirs, Map<String, String> jobStates, Instant deleteBefore) {
        List<Verdict> out = new ArrayList<>();
        for (JobDir d : dirs) {
            String state = jobStates.get(d.jobId());
            if (state != null && !ENDED.contains(state)) {
                out.add(new Verdict(d, false, "the job is " + state));
            } else if (!d.newestFile().isBefore(deleteBefore)) {
                out.add(new Verdict(d, false, "written " + d.newestFile() + ", within the grace period"));
            } else {
                out.add(new Verdict(d, true, state == null ? "the cluster does not know the job" : "the job is " + state));
            }
        }
        return out;
    }

    /** Deletes a job's checkpoint directory, files first. */
    public static void delete(JobDir job) {
        try (Stream<Path> all = Files.walk(job.dir())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant newestFile(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            long newest = Files.getLastModifiedTime(dir).toMillis();
            for (Path p : all.toList()) {
                try {
                    // a link's own time: a dangling one is no error
                    newest = Math.max(newest, Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis());
                } catch (java.nio.file.NoSuchFileException vanished) {
                    // Flink deletes subsumed checkpoints while we look: what is gone has no time to count
                }
            }
            return Instant.ofEpochMilli(newest);
        }
    }
}
