package io.nudgeflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudgeflow.flink.EngineSettings;
import io.nudgeflow.io.KafkaSettings;
import io.nudgeflow.pipeline.JobConfig;
import io.nudgeflow.pipeline.LiveJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The live job on the test's mini cluster (RocksDB state, checkpoints on a file system), and what the tests
 * ask of it: how far its time has got, a flush of every sink, a stop with a savepoint.
 */
final class LiveRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MiniCluster cluster;
    private final JobClient job;

    private LiveRun(MiniCluster cluster, JobClient job) {
        this.cluster = cluster;
        this.job = job;
    }

    /**
     * @param savepoint restore from it, or null
     * @param restarts how often a failed job restarts (0: not at all)
     */
    static LiveRun start(MiniCluster cluster, KafkaSettings kafka, EngineSettings settings, int parallelism,
            Path workDir, String savepoint, int restarts) throws Exception {
        Map<String, String> conf = new HashMap<>();
        conf.put("state.backend.rocksdb.localdir", workDir.resolve("rocksdb").toString());
        if (restarts > 0) {
            conf.put("restart-strategy.type", "fixed-delay");
            conf.put("restart-strategy.fixed-delay.attempts", Integer.toString(restarts));
            conf.put("restart-strategy.fixed-delay.delay", "200 ms");
        } else {
            conf.put("restart-strategy.type", "none");
        }
        if (savepoint != null) {
            conf.put("execution.state-recovery.path", savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(JobConfig.of("rocksdb",
                Duration.ofSeconds(1), workDir.resolve("checkpoints").toUri().toString(), Duration.ofMillis(5), conf));
        env.setParallelism(parallelism);
        LiveJob.build(env, kafka, settings, false);
        JobClient job = env.executeAsync("nudgeflow-live-vs-replay");
        LiveRun run = new LiveRun(cluster, job);
        run.awaitRunning(Duration.ofSeconds(60));
        return run;
    }

    JobID id() {
        return job.getJobID();
    }

    private void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus status = job.getJobStatus().get();
            if (status == JobStatus.RUNNING && allTasksRunning()) {
                return;
            }
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new AssertionError("the job did not run within " + timeout + ": " + status);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private boolean allTasksRunning() throws Exception {
        JsonNode vertices = get("/jobs/" + id()).get("vertices");
        for (JsonNode v : vertices) {
            if (!v.get("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return vertices.size() > 0;
    }

    /**
     * Waits until every subtask of the user engine has been told by the source that the input is read up to
     * {@code instant}: every deadline up to it has then fired or is firing, and its outputs precede any
     * checkpoint barrier that follows.
     */
    void awaitJobTime(long instant, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String engine = engineVertex();
        while (true) {
            long least = Long.MAX_VALUE;
            int subtasks = 0;
            for (JsonNode w : get("/jobs/" + id() + "/vertices/" + engine + "/watermarks")) {
                subtasks++;
                least = Math.min(least, w.get("value").asLong());
            }
            if (subtasks > 0 && least >= instant) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the job's time did not reach " + java.time.Instant.ofEpochMilli(instant)
                        + " within " + timeout + "; it is at " + java.time.Instant.ofEpochMilli(Math.max(0, least)));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** A checkpoint: the at-least-once Kafka sinks flush everything before it completes. */
    void flush() throws Exception {
        cluster.triggerCheckpoint(id()).get(60, TimeUnit.SECONDS);
    }

    String stopWithSavepoint(Path dir) throws Exception {
        return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
    }

    /** A metric of the user engine summed over its subtasks. */
    long engineMetric(String name) throws Exception {
        String engine = engineVertex();
        JsonNode available = get("/jobs/" + id() + "/vertices/" + engine + "/metrics");
        StringBuilder ids = new StringBuilder();
        for (JsonNode m : available) {
            String id = m.get("id").asText();
            if (id.endsWith("." + name)) {
                ids.append(ids.isEmpty() ? "" : ",").append(id);
            }
        }
        long sum = 0;
        if (!ids.isEmpty()) {
            for (JsonNode m : get("/jobs/" + id() + "/vertices/" + engine + "/metrics?get=" + ids)) {
                sum += (long) Double.parseDouble(m.get("value").asText());
            }
        }
        return sum;
    }

    private String engineVertex() throws Exception {
        for (JsonNode v : get("/jobs/" + id()).get("vertices")) {
            if (v.get("name").asText().contains("User engine")) {
                return v.get("id").asText();
            }
        }
        throw new AssertionError("no user engine vertex in " + get("/jobs/" + id()));
    }

    private JsonNode get(String path) throws Exception {
        URI base = cluster.getRestAddress().get();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws Exception {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
