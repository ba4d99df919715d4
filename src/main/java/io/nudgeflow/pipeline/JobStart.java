package io.nudgeflow.pipeline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** Waiting for a submitted job to run, for the demo and the benchmarks. */
public final class JobStart {
    private JobStart() {}

    /** Polls until the job is RUNNING; a job that ended first rethrows its failure. */
    public static void awaitRunning(JobClient job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get();
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's failure
                throw new IllegalStateException("The job ended before running: " + status);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("The job did not reach RUNNING within " + timeout);
    }
}
