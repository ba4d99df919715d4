package io.nudgeflow.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * A Flink standalone session cluster and a Kafka broker, each in JVMs of their own, as a platform team runs
 * them — without Flink's binary distribution, which is not on Maven Central: the JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) run from the Flink
 * jars of the test classpath, minus everything a job jar brings itself (Kafka, Avro, the project's own
 * classes), with the project's {@code flink-conf/config.yaml} and only the overrides a single test host needs;
 * memory flags come from Flink's {@code BashJavaUtils}, as its scripts do. Jobs are submitted with the
 * {@code flink} CLI ({@code CliFrontend}).
 */
public final class StandaloneCluster implements AutoCloseable {
    /** What a job jar carries itself: on the cluster's classpath it would clash with the job's copies. */
    private static final List<String> NOT_ON_THE_CLUSTER = List.of("kafka", "avro", "picocli", "jqwik", "junit",
            "assertj", "opentest4j", "apiguardian", "HdrHistogram", "jackson-dataformat-yaml", "/target/");
    /** Flink's own scripts open these packages on JDK 17. */
    private static final List<String> ADD_OPENS = List.of("java.base/java.util", "java.base/java.lang",
            "java.base/java.lang.reflect", "java.base/java.io", "java.base/java.net", "java.base/java.nio",
            "java.base/sun.nio.ch", "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
            "java.base/java.time", "java.base/java.text", "java.sql/java.sql");

    private final Path dir;
    private final Path confDir;
    private final int restPort;
    private final String kafkaBootstrap;
    private final List<String> testClasspath;
    private final String clusterClasspath;
    private Process kafka;
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private final List<Process> hung = new ArrayList<>();
    private int started;
    private int cliCalls;

    private StandaloneCluster(Path dir) throws IOException {
        this.dir = dir;
        this.confDir = Files.createDirectories(dir.resolve("conf"));
        this.restPort = freePort();
        this.kafkaBootstrap = "127.0.0.1:" + freePort();
        this.testClasspath = testClasspath();
        this.clusterClasspath = testClasspath.stream()
                .filter(e -> NOT_ON_THE_CLUSTER.stream().noneMatch(e::contains)).collect(Collectors.joining(":"));
    }

    /** Starts the broker, the JobManager and one TaskManager; waits until the TaskManager has registered. */
    public static StandaloneCluster start(Path dir, Map<String, String> overrides) throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(dir);
        try {
            cluster.writeConfig(overrides);
            cluster.startKafka();
            cluster.jobManager = cluster.flinkProcess("jobmanager", "GET_JM_RESOURCE_PARAMS",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
            cluster.startTaskManager();
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** Where the cluster's jobs write their checkpoints (a directory per job id). */
    public Path checkpointDir() {
        return dir.resolve("checkpoints");
    }

    /**
     * What each Prometheus endpoint in the configured port range serves now, by port; ports that do not answer
     * are left out.
     */
    public Map<Integer, String> prometheusScrapes() throws IOException {
        String range = configValue("metrics.reporter.prom.port");
        String[] bounds = range.split("-");
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int port = Integer.parseInt(bounds[0].trim()); port <= Integer.parseInt(bounds[bounds.length - 1].trim()); port++) {
            String body = get("http://127.0.0.1:" + port + "/metrics");
            if (!body.isEmpty()) {
                out.put(port, body);
            }
        }
        return out;
    }

    private String configValue(String key) throws IOException {
        return Files.readAllLines(confDir.resolve("config.yaml")).stream().filter(l -> l.startsWith(key + ":"))
                .map(l -> l.substring(key.length() + 1).trim()).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(key + " is not in the cluster config"));
    }

    /** Starts another TaskManager and waits until the JobManager counts it. */
    public void startTaskManager() throws Exception {
        int before = taskManagers.size();
        taskManagers.add(flinkProcess("taskmanager-" + (++started), "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
        await(Duration.ofSeconds(90), () -> rest("/overview").contains("\"taskmanagers\":" + (before + 1)),
                "TaskManager " + started + " registered");
    }

    /** {@code kill -9} of the oldest running TaskManager: no shutdown hook, no goodbye to the JobManager. */
    public void killTaskManager() throws InterruptedException {
        Process victim = taskManagers.remove(0);
        victim.destroyForcibly();
        victim.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * {@code kill -STOP} of the oldest running TaskManager: it hangs with its sockets open, as in a GC death
     * spiral or on a stuck disk, and only the heartbeat timeout tells the JobManager.
     */
    public void hangTaskManager() throws Exception {
        Process victim = taskManagers.remove(0);
        hung.add(victim);
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(victim.pid())).start();
        if (!stop.waitFor(10, TimeUnit.SECONDS) || stop.exitValue() != 0) {
            throw new AssertionError("kill -STOP " + victim.pid() + " failed");
        }
    }

    /** {@code flink run -d JAR ARGS...} with the cluster's configuration; returns the job id it printed. */
    public String submit(Path jar, String... jobArgs) throws Exception {
        return submit(List.of(), jar, jobArgs);
    }

    /**
     * {@code flink run -d FLINK_OPTIONS JAR ARGS...}, e.g. with {@code -s <savepoint>}; returns the job id it
     * printed.
     */
    public String submit(List<String> flinkOptions, Path jar, String... jobArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(flinkOptions);
        args.add(jar.toAbsolutePath().toString());
        args.addAll(Arrays.asList(jobArgs));
        String out = flink(args, "submit");
        int at = out.indexOf("JobID ");
        if (at < 0) {
            throw new AssertionError("flink run printed no job id:\n" + out);
        }
        return out.substring(at + 6, at + 38);
    }

    /**
     * {@code flink stop --savepointPath DIR JOB}: a savepoint, then the job stops without draining (timers of
     * deadlines ahead stay in the savepoint); returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId) throws Exception {
        String out = flink(List.of("stop", "--savepointPath", dir.resolve("savepoints").toUri().toString(), jobId), "stop");
        java.util.regex.Matcher path = java.util.regex.Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!path.find()) {
            throw new AssertionError("flink stop printed no savepoint path:\n" + out);
        }
        return path.group(1);
    }

    /** {@code flink cancel JOB}: the job ends without a savepoint; its checkpoints are retained. */
    public void cancel(String jobId) throws Exception {
        flink(List.of("cancel", jobId), "cancel");
    }

    /** The JobManager's REST endpoint. */
    public URI restUrl() {
        return URI.create("http://127.0.0.1:" + restPort);
    }

    /** The {@code flink} CLI with the cluster's configuration; its output, or an AssertionError with it. */
    private String flink(List<String> args, String logName) throws Exception {
        List<String> command = java(clusterClasspath);
        command.add("org.apache.flink.client.cli.CliFrontend");
        command.addAll(args);
        Path log = dir.resolve(logName + "-" + (++cliCalls) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError("flink " + args.get(0) + " failed:\n" + Files.readString(log));
        }
        return Files.readString(log);
    }

    /** The {@code Implementation-Version} in a job jar's manifest. */
    public static String buildVersion(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    /**
     * A newer build of a job jar: the same classes and resources under another {@code Implementation-Version},
     * as the next release built from this tree would be.
     */
    public static Path rebuildWithVersion(Path jar, String version, Path out) throws IOException {
        try (JarFile in = new JarFile(jar.toFile());
                java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(out))) {
            java.util.jar.Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Implementation-Version", version);
            zip.putNextEntry(new java.util.zip.ZipEntry(JarFile.MANIFEST_NAME));
            manifest.write(zip);
            for (var entries = in.entries(); entries.hasMoreElements();) {
                var entry = entries.nextElement();
                if (!entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    zip.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                    try (var data = in.getInputStream(entry)) {
                        data.transferTo(zip);
                    }
                }
            }
        }
        return out;
    }

    /** The job's name as the REST API says it. */
    public String jobName(String jobId) {
        String json = rest("/jobs/" + jobId);
        int at = json.indexOf("\"name\":\"");
        return at < 0 ? "" : json.substring(at + 8, json.indexOf('"', at + 8));
    }

    /** The job's state as the REST API says it (RUNNING, RESTARTING, ...). */
    public String jobState(String jobId) {
        String json = rest("/jobs/" + jobId);
        int at = json.indexOf("\"state\":\"");
        return at < 0 ? "UNKNOWN" : json.substring(at + 9, json.indexOf('"', at + 9));
    }

    public void awaitJobState(String jobId, String state, Duration timeout) throws InterruptedException {
        await(timeout, () -> jobState(jobId).equals(state), "job " + jobId + " " + state);
    }

    public static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        if (!poll(timeout, condition)) {
            throw new AssertionError("not within " + timeout + ": " + what);
        }
    }

    /** Whether the condition came true within the timeout. */
    public static boolean poll(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling a condition against a deadline, not waiting for time
        }
        return true;
    }

    private String rest(String path) {
        return get(restUrl() + path);
    }

    /** The body of a GET, or "" when nothing answers. */
    private static String get(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * The project's cluster config as shipped, with only what lets a test share its host: free ports instead of
     * 6123 and 8081, the test's own directories, and less memory.
     */
    private void writeConfig(Map<String, String> overrides) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jobmanager.rpc.port", Integer.toString(freePort()));
        settings.put("rest.port", Integer.toString(restPort));
        settings.put("jobmanager.memory.process.size", "1024m");
        settings.put("taskmanager.memory.process.size", "1536m");
        settings.put("state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString());
        settings.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
        settings.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
        settings.putAll(overrides);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("flink-conf", "config.yaml"))) {
            String key = line.contains(":") && !line.startsWith("#") ? line.substring(0, line.indexOf(':')).trim() : null;
            if (key == null || !settings.containsKey(key)) {
                lines.add(line);
            }
        }
        settings.forEach((k, v) -> lines.add(k + ": " + v));
        Files.write(confDir.resolve("config.yaml"), lines, StandardCharsets.UTF_8);
        Files.copy(Path.of("flink-conf", "log4j-console.properties"), confDir.resolve("log4j-console.properties"));
    }

    private void startKafka() throws Exception {
        Path kafkaDir = Files.createDirectories(dir.resolve("kafka"));
        int controller = freePort();
        Path properties = kafkaDir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://" + kafkaBootstrap + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://" + kafkaBootstrap, "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + kafkaDir.resolve("data"), "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=false"));
        run(java(kafkaClasspath(), "kafka.tools.StorageTool", "format", "-t",
                org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", properties.toString()),
                kafkaDir.resolve("format.log"));
        launchKafka();
    }

    /**
     * {@code kill -9} of the broker, then the same broker again on its port and log directory, as after a
     * crash; returns once it answers.
     */
    public void restartKafka() throws Exception {
        kafka.destroyForcibly();
        kafka.waitFor(30, TimeUnit.SECONDS);
        launchKafka();
    }

    private String kafkaClasspath() {
        return testClasspath.stream().filter(e -> !e.contains("/target/")).collect(Collectors.joining(":"));
    }

    private void launchKafka() throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        List<String> command = java(kafkaClasspath(), "-Xmx512m");
        command.addAll(List.of("kafka.Kafka", kafkaDir.resolve("server.properties").toString()));
        kafka = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(kafkaDir.resolve("kafka.log").toFile())).start();
        await(Duration.ofSeconds(60), () -> {
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafkaBootstrap,
                    "request.timeout.ms", 2000, "default.api.timeout.ms", 2000))) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }, "the Kafka broker answers");
    }

    private Process flinkProcess(String name, String resourceQuery, String mainClass) throws Exception {
        Path log = dir.resolve(name + ".log");
        List<String> params = run(java(clusterClasspath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                resourceQuery, "--configDir", confDir.toString()), dir.resolve(name + "-resources.log")).lines()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(Arrays.asList(params.get(0).trim().split(" +")));
        ADD_OPENS.forEach(o -> command.add("--add-opens=" + o + "=ALL-UNNAMED"));
        command.addAll(List.of("-Dlog.file=" + log, "-Dlog4j.configurationFile=" + confDir.resolve("log4j-console.properties").toUri(),
                "-cp", clusterClasspath, mainClass, "--configDir", confDir.toString()));
        command.addAll(Arrays.asList(params.get(1).trim().split(" +")));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    private static String run(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command.subList(command.size() - 3, command.size())) + " failed:\n"
                    + Files.readString(log));
        }
        return Files.readString(log);
    }

    private static List<String> java(String classpath, String... rest) {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        ADD_OPENS.forEach(o -> command.add("--add-opens=" + o + "=ALL-UNNAMED"));
        command.addAll(List.of("-cp", classpath));
        command.addAll(Arrays.asList(rest));
        return command;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test JVM's classpath, also when failsafe hands it over as a manifest-only jar. */
    private static List<String> testClasspath() throws IOException {
        String cp = System.getProperty("java.class.path");
        String[] entries = cp.split(java.io.File.pathSeparator);
        if (entries.length == 1 && entries[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries[0])) {
                String manifestPath = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifestPath != null) {
                    List<String> out = new ArrayList<>();
                    for (String url : manifestPath.trim().split(" +")) {
                        out.add(Path.of(URI.create(url.startsWith("file:") ? url : "file:" + url)).toString());
                    }
                    return out;
                }
            }
        }
        return List.of(entries);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : taskManagers) {
            p.destroyForcibly();
        }
        for (Process p : hung) {
            p.destroyForcibly(); // SIGKILL ends a stopped process too
        }
        if (jobManager != null) {
            jobManager.destroyForcibly();
        }
        if (kafka != null) {
            kafka.destroyForcibly();
        }
    }
}
