package io.nudgeflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** Collects the figures and writes results.json, results.md (tables, targets) and report.html (charts). */
final class Report {
    final Settings settings;
    final Instant when;
    double jmhEventsPerSecond;
    KafkaStages.Throughput throughput;
    final Map<Integer, Map<JobKind, Histogram>> latency = new TreeMap<>();
    Integer highRate;
    /** By background rate: 0 is a quiet stream. */
    final Map<Integer, KafkaStages.DeadlineResult> deadlines = new TreeMap<>();
    final List<StateScaleStage.Result> scale = new ArrayList<>();
    final List<ProfileRuleSwitch.Summary> ruleSwitch = new ArrayList<>();
    double seconds;

    Report(Settings settings, Instant when) {
        this.settings = settings;
        this.when = when;
    }

    record Target(String name, String measured, String limit, boolean met) {}

    private static String loadName(int backgroundRate) {
        return backgroundRate == 0 ? "quiet stream" : String.format(Locale.ROOT, "under %,d events/s", backgroundRate);
    }

    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        Map<JobKind, Histogram> at10k = latency.get(10_000);
        if (at10k != null) {
            double ratio = Bench.ms(at10k.get(JobKind.NUDGEFLOW), 99) / Bench.ms(at10k.get(JobKind.KEYED_PASSTHROUGH), 99);
            t.add(new Target("event-driven trigger p99 vs keyed passthrough p99 at 10k events/s",
                    String.format(Locale.ROOT, "%.2f×", ratio), "≤ 1.3×", ratio <= 1.3));
        }
        deadlines.forEach((rate, result) -> {
            long p99 = result.arrivalMillis().getValueAtPercentile(99);
            t.add(new Target("deadline lateness p99 (arrival at consumer − deadline), " + loadName(rate), p99 + " ms",
                    "≤ 50 ms", p99 <= 50));
        });
        if (throughput != null) {
            double ratio = throughput.steadyMedian(JobKind.NUDGEFLOW) / throughput.steadyMedian(JobKind.KEYED_PASSTHROUGH);
            t.add(new Target("sustained throughput vs keyed passthrough (second half of the drain)", String.format(Locale.ROOT, "%.0f %%", 100 * ratio),
                    "≥ 60 %", ratio >= 0.6));
        }
        if (!scale.isEmpty()) {
            StateScaleStage.Result largest = scale.get(scale.size() - 1);
            t.add(new Target("RocksDB state bytes per user (SST, " + String.format(Locale.ROOT, "%,d", largest.users()) + " users)",
                    String.format(Locale.ROOT, "%.0f B", largest.sstBytesPerUser()), "≤ 150 B", largest.sstBytesPerUser() <= 150));
            if (scale.size() > 1) {
                double ratio = largest.microsPerEvent() / scale.get(0).microsPerEvent();
                t.add(new Target(String.format(Locale.ROOT, "per-event cost at %,d vs %,d users", largest.users(), scale.get(0).users()),
                        String.format(Locale.ROOT, "%.2f×", ratio), "≤ 1.5×", ratio <= 1.5));
            }
        }
        return t;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown());
        Files.writeString(dir.resolve("report.html"), html());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json());
    }

    private Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("when", when.toString());
        j.put("smoke", settings.smoke());
        j.put("settings", settings);
        j.put("seconds", seconds);
        j.put("jmh_domain_core_events_per_second", jmhEventsPerSecond);
        Map<String, Object> tp = new LinkedHashMap<>();
        throughput.steady().forEach((k, v) -> tp.put(k.name(), Map.of("median", throughput.steadyMedian(k), "rounds", v)));
        j.put("throughput_events_per_second", tp);
        Map<String, Object> whole = new LinkedHashMap<>();
        throughput.whole().forEach((k, v) -> whole.put(k.name(), Map.of("median", throughput.wholeMedian(k), "rounds", v)));
        j.put("throughput_whole_drain_events_per_second", whole);
        Map<String, Object> lat = new LinkedHashMap<>();
        latency.forEach((rate, byJob) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            byJob.forEach((k, h) -> row.put(k.name(), Bench.percentiles(h)));
            lat.put(Integer.toString(rate), row);
        });
        j.put("latency_by_rate", lat);
        Map<String, Object> lateness = new LinkedHashMap<>();
        deadlines.forEach((rate, d) -> lateness.put(Integer.toString(rate), Map.of(
                "arrival_p50_ms", d.arrivalMillis().getValueAtPercentile(50),
                "arrival_p99_ms", d.arrivalMillis().getValueAtPercentile(99),
                "arrival_max_ms", d.arrivalMillis().getMaxValue(),
                "emitted_p50_ms", d.emittedMillis().getValueAtPercentile(50),
                "emitted_p99_ms", d.emittedMillis().getValueAtPercentile(99),
                "deadlines", d.arrivalMillis().getTotalCount(),
                "expected", d.expected())));
        j.put("deadline_lateness_by_background_rate", lateness);
        j.put("state_scale", scale);
        j.put("rule_switch", ruleSwitch);
        j.put("targets", targets());
        return j;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Nudgeflow benchmark results\n\n");
        md.append(String.format(Locale.ROOT, "Run %s%s on %d cores (%s %s), in %.0f s. Command: `benchmarks/run.sh`%s.%n%n",
                when, settings.smoke() ? " (SMOKE RUN: tiny sizes, not for comparison)" : "",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                seconds, settings.smoke() ? " --smoke" : ""));
        md.append("Everything on one machine: embedded Kafka broker (KRaft), each job on a local Flink mini cluster (parallelism 2, ")
                .append("RocksDB, 5 ms buffer timeout, at-least-once), open-loop generator and an external consumer in the same JVM. ")
                .append(String.format(Locale.ROOT, "%,d users with skewed activity across 8 time zones.%n%n", settings.users()));

        md.append("## Targets\n\n| target | measured | limit | met |\n|---|---|---|---|\n");
        for (Target t : targets()) {
            md.append("| ").append(t.name()).append(" | ").append(t.measured()).append(" | ").append(t.limit())
                    .append(" | ").append(t.met() ? "yes" : "**no**").append(" |\n");
        }

        md.append("\n## Latency, event creation → arrival at an external consumer (ms)\n\n");
        md.append("| rate (events/s) | job | p50 | p99 | p99.9 | max | samples |\n|---|---|---|---|---|---|---|\n");
        latency.forEach((rate, byJob) -> {
            for (JobKind k : JobKind.values()) {
                Histogram h = byJob.get(k);
                md.append(String.format(Locale.ROOT, "| %,d%s | %s | %.2f | %.2f | %.2f | %.2f | %,d |%n", rate,
                        rate.equals(highRate) ? " (high: 60 % of Nudgeflow's sustained drain rate)" : "", k.label, Bench.ms(h, 50), Bench.ms(h, 99), Bench.ms(h, 99.9),
                        h.getMaxValue() / 1000.0, h.getTotalCount()));
            }
        });
        md.append("\nNudgeflow's samples are its event-driven triggers (a probe rule answering 10 % of the events); the other ")
                .append("jobs' samples are every event.\n");

        md.append(String.format(Locale.ROOT, "%n## Throughput: draining %,d pre-loaded events (median of %d rounds)%n%n",
                        settings.throughputEvents(), settings.throughputRounds()))
                .append("Sustained: the second half of the drain, timed by the records each job wrote (for Nudgeflow its ")
                .append("probe triggers, a tenth of the events spread evenly over the input), once the JIT has compiled ")
                .append("the job and every user has been seen. Whole drain: first to last record, warm-up included.\n\n")
                .append("| job | sustained events/s | vs keyed passthrough | sustained, each round | whole drain events/s | vs keyed passthrough |\n")
                .append("|---|---|---|---|---|---|\n");
        for (JobKind k : JobKind.values()) {
            String rounds = throughput.steady().get(k).stream().map(v -> String.format(Locale.ROOT, "%,.0f", v))
                    .collect(java.util.stream.Collectors.joining(" / "));
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.0f %% | %s | %,.0f | %.0f %% |%n", k.label, throughput.steadyMedian(k),
                    100 * throughput.steadyMedian(k) / throughput.steadyMedian(JobKind.KEYED_PASSTHROUGH), rounds,
                    throughput.wholeMedian(k), 100 * throughput.wholeMedian(k) / throughput.wholeMedian(JobKind.KEYED_PASSTHROUGH)));
        }

        md.append(String.format(Locale.ROOT, "%n## Deadline lateness%n%n"));
        md.append("| stream | deadlines | arrival at consumer − deadline p50 / p99 / max (ms) | emitted_at − deadline p50 / p99 / max (ms) |\n|---|---|---|---|\n");
        deadlines.forEach((rate, d) -> md.append(String.format(Locale.ROOT, "| %s | %,d | %d / %d / %d | %d / %d / %d |%n",
                loadName(rate), d.arrivalMillis().getTotalCount(),
                d.arrivalMillis().getValueAtPercentile(50), d.arrivalMillis().getValueAtPercentile(99), d.arrivalMillis().getMaxValue(),
                d.emittedMillis().getValueAtPercentile(50), d.emittedMillis().getValueAtPercentile(99), d.emittedMillis().getMaxValue())));
        if (!ruleSwitch.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%n## Event latency during a rule switch (%,d users in state, probes at %,d/s)%n%n",
                    ruleSwitch.get(0).users(), ruleSwitch.get(0).rate()));
            md.append("A rule set with a new 2 h inactivity rule is published a third into the measured time: every user's timer moves "
                    + "earlier and every checked user is written back. Before: probes sent before the switch; after: those sent from it on.\n\n");
            md.append("| timer check | p50 / p99 before (ms) | p50 / p99 / max after (ms) | samples after |\n|---|---|---|---|\n");
            for (ProfileRuleSwitch.Summary r : ruleSwitch) {
                md.append(String.format(Locale.ROOT, "| %s | %.1f / %.1f | %.1f / %.1f / %.1f | %,d |%n", r.timerCheck(), r.p50Before(),
                        r.p99Before(), r.p50After(), r.p99After(), r.maxAfter(), r.samplesAfter()));
            }
        }
        md.append("\n## Per-event cost and state size at scale (the keyed operator over RocksDB, state pre-loaded)\n\n");
        md.append("| users | µs per event | vs smallest | RocksDB SST bytes per user | pre-load events/s |\n|---|---|---|---|---|\n");
        for (StateScaleStage.Result r : scale) {
            md.append(String.format(Locale.ROOT, "| %,d | %.2f | %.2f× | %.1f | %,.0f |%n", r.users(), r.microsPerEvent(),
                    r.microsPerEvent() / scale.get(0).microsPerEvent(), r.sstBytesPerUser(), r.preloadEventsPerSecond()));
        }
        md.append(String.format(Locale.ROOT, "%n## Domain core (JMH, one thread)%n%n%,.0f events/s per core: decode state, all default ",
                jmhEventsPerSecond)).append("rules and guardrails, encode state.\n");
        return md.toString();
    }

    private String html() {
        StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Nudgeflow benchmarks</title>"
                + "<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}</style></head><body>");
        h.append("<h1>Nudgeflow benchmarks</h1><p>").append(when).append(settings.smoke() ? " — smoke run" : "").append("</p>");
        String[] colors = {"#9e9e9e", "#64b5f6", "#1976d2", "#e65100"};
        latency.forEach((rate, byJob) -> {
            h.append(String.format(Locale.ROOT, "<h2>Latency at %,d events/s (ms, log scale)</h2>", rate));
            List<String> groups = List.of("p50", "p99", "p99.9");
            double[] ps = {50, 99, 99.9};
            double max = 1;
            for (Histogram x : byJob.values()) {
                max = Math.max(max, Bench.ms(x, 99.9));
            }
            int w = 900;
            int hgt = 260;
            h.append("<svg width='").append(w).append("' height='").append(hgt + 40).append("'>");
            double logMax = Math.log10(max * 1.5);
            double logMin = Math.log10(0.1);
            for (int g = 0; g < groups.size(); g++) {
                for (int j = 0; j < JobKind.values().length; j++) {
                    JobKind k = JobKind.values()[j];
                    double v = Math.max(0.1, Bench.ms(byJob.get(k), ps[g]));
                    double barH = (Math.log10(v) - logMin) / (logMax - logMin) * hgt;
                    int x = 60 + g * 280 + j * 60;
                    h.append(String.format(Locale.ROOT, "<rect x='%d' y='%.1f' width='50' height='%.1f' fill='%s'/>"
                            + "<text x='%d' y='%.1f' font-size='11' text-anchor='middle'>%.1f</text>",
                            x, hgt - barH + 10, barH, colors[j], x + 25, hgt - barH + 6, v));
                }
                h.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='13' text-anchor='middle'>%s</text>",
                        60 + g * 280 + 115, hgt + 30, groups.get(g)));
            }
            h.append("</svg>");
        });
        h.append("<p>");
        for (int j = 0; j < JobKind.values().length; j++) {
            h.append("<span style='display:inline-block;width:12px;height:12px;background:").append(colors[j])
                    .append("'></span> ").append(JobKind.values()[j].label).append(" &nbsp; ");
        }
        Map<JobKind, Double> sustained = new java.util.EnumMap<>(JobKind.class);
        for (JobKind k : JobKind.values()) {
            sustained.put(k, throughput.steadyMedian(k));
        }
        h.append("</p><h2>Sustained throughput (events/s)</h2><svg width='900' height='").append(JobKind.values().length * 34 + 10).append("'>");
        double maxTp = sustained.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        for (int j = 0; j < JobKind.values().length; j++) {
            JobKind k = JobKind.values()[j];
            double barW = sustained.get(k) / maxTp * 560;
            h.append(String.format(Locale.ROOT, "<text x='0' y='%d' font-size='12'>%s</text><rect x='300' y='%d' width='%.1f' height='24' fill='%s'/>"
                    + "<text x='%.1f' y='%d' font-size='12'>%,.0f</text>", j * 34 + 20, k.name(), j * 34 + 4, barW, colors[j],
                    305 + barW, j * 34 + 20, sustained.get(k)));
        }
        h.append("</svg><h2>Tables</h2><pre>").append(markdown().replace("&", "&amp;").replace("<", "&lt;")).append("</pre></body></html>");
        return h.toString();
    }
}
