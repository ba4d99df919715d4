package io.nudgeflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The jobs a Flink cluster knows and their states, from its REST API ({@code GET /jobs/overview}). */
public final class JobManagerJobs {
    private JobManagerJobs() {}

    /**
     * @throws IOException when the JobManager cannot be reached or answers with something else than its job
     *         list: without that list nothing may be deleted
     */
    public static Map<String, String> states(URI restUrl) throws IOException, InterruptedException {
        URI overview = restUrl.resolve("/jobs/overview");
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(overview).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach the JobManager at " + overview + ": " + e, e);
        }
        JsonNode jobs = response.statusCode() == 200 ? new ObjectMapper().readTree(response.body()).get("jobs") : null;
        if (jobs == null || !jobs.isArray()) {
            throw new IOException("no job list from " + overview + " (HTTP " + response.statusCode() + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode job : jobs) {
            out.put(job.get("jid").asText(), job.get("state").asText());
        }
        return out;
    }
}
