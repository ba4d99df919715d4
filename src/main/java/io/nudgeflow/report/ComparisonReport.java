package io.nudgeflow.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Comparison} as a self-contained HTML page (inline CSS and SVG, no script, no network: it opens from a
 * file, an e-mail or a CI artifact alike) and as JSON with the same numbers.
 */
public final class ComparisonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String BASELINE_COLOUR = "#9aa0a6";
    private static final String CANDIDATE_COLOUR = "#1a73e8";
    /** Rows per sampled user in the HTML table: enough to see the pattern, short enough to scroll past. */
    private static final int DIFFERENCES_PER_USER = 8;

    private ComparisonReport() {}

    public static String json(Comparison c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("baseline", c.baselineVersion());
        root.put("candidate", c.candidateVersion());
        root.put("until", c.until() == null ? null : c.until().toString());
        ArrayNode rules = root.putArray("rules");
        for (Comparison.RuleRow r : c.rules()) {
            ObjectNode n = rules.addObject();
            n.put("rule_id", r.ruleId());
            side(n.putObject("baseline"), r.baseline());
            side(n.putObject("candidate"), r.candidate());
            n.put("users_gaining", r.usersGaining());
            n.put("users_losing", r.usersLosing());
        }
        ObjectNode users = root.putObject("users");
        users.put("gained", c.users().gained());
        users.put("lost", c.users().lost());
        users.put("changed", c.users().changed());
        ObjectNode sample = users.putObject("sample");
        c.users().sample().forEach((user, diffs) -> {
            ArrayNode a = sample.putArray(user);
            diffs.forEach(d -> a.addObject().put("rule_id", d.ruleId()).put("fire_time", d.fireTime().toString()).put("only_in", d.side()));
        });
        ObjectNode perDay = root.putObject("triggers_per_day");
        c.perDay().forEach((rule, days) -> {
            ObjectNode r = perDay.putObject(rule);
            days.forEach((day, n) -> r.putObject(day.toString()).put("baseline", n[0]).put("candidate", n[1]));
        });
        ObjectNode cap = root.putObject("frequency_cap");
        cap.putObject("baseline").put("suppressed", c.cap().baselineSuppressed()).put("users_capped", c.cap().baselineUsers());
        cap.putObject("candidate").put("suppressed", c.cap().candidateSuppressed()).put("users_capped", c.cap().candidateUsers());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void side(ObjectNode n, Comparison.Side s) {
        n.put("sent", s.sent());
        ObjectNode suppressed = n.putObject("suppressed");
        s.suppressed().forEach(suppressed::put);
        n.put("users_reached", s.usersReached());
        n.put("outcomes_followed", s.followed());
        n.put("converted", s.converted());
        if (s.followed() > 0) {
            n.put("conversion_rate", Math.round(s.conversionRate() * 10_000) / 10_000.0);
        } else {
            n.putNull("conversion_rate");
        }
    }

    public static String html(Comparison c) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Nudgeflow compare: ")
                .append(esc(c.baselineVersion())).append(" vs ").append(esc(c.candidateVersion())).append("</title>\n<style>\n")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#202124}table{border-collapse:collapse;margin:1em 0}")
                .append("th,td{border:1px solid #dadce0;padding:4px 8px;text-align:right}th{background:#f1f3f4}")
                .append("td.l,th.l{text-align:left}tr.differs td{background:#fef7e0}.up{color:#137333}.down{color:#a50e0e}")
                .append(".key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}figure{margin:1em 0}")
                .append("</style></head><body>\n");
        h.append("<h1>Rule sets compared</h1>\n<p id=\"versions\">Baseline <b>").append(esc(c.baselineVersion()))
                .append("</b> and candidate <b>").append(esc(c.candidateVersion()))
                .append("</b> over the same history, deadlines until ").append(c.until() == null ? "-" : c.until())
                .append(". ").append(c.anyDifference() ? "They decide differently." : "They decide exactly the same.").append("</p>\n");

        h.append("<h2>Per rule</h2>\n<table id=\"rules\"><tr><th class=\"l\">rule</th><th>sent</th><th>sent (candidate)</th>")
                .append("<th>change</th><th class=\"l\">suppressed</th><th class=\"l\">suppressed (candidate)</th>")
                .append("<th>users reached</th><th>users reached (candidate)</th><th>users gaining</th><th>users losing</th>")
                .append("<th>conversion</th><th>conversion (candidate)</th></tr>\n");
        for (Comparison.RuleRow r : c.rules()) {
            h.append("<tr").append(r.differs() ? " class=\"differs\"" : "").append(" data-rule=\"").append(esc(r.ruleId()))
                    .append("\"><td class=\"l\">").append(esc(r.ruleId())).append("</td><td>").append(r.baseline().sent())
                    .append("</td><td>").append(r.candidate().sent()).append("</td><td>").append(change(r.baseline().sent(), r.candidate().sent()))
                    .append("</td><td class=\"l\">").append(reasons(r.baseline().suppressed())).append("</td><td class=\"l\">")
                    .append(reasons(r.candidate().suppressed())).append("</td><td>").append(r.baseline().usersReached())
                    .append("</td><td>").append(r.candidate().usersReached()).append("</td><td>").append(r.usersGaining())
                    .append("</td><td>").append(r.usersLosing()).append("</td><td>").append(rate(r.baseline()))
                    .append("</td><td>").append(rate(r.candidate())).append("</td></tr>\n");
        }
        h.append("</table>\n<p>Users gaining (losing): users with a trigger of the rule, at a fire time, that only the candidate "
                + "(baseline) sends; a deadline that moves counts in both. Conversion: triggers sent whose goal happened within "
                + "the rule's window, of those whose window ended by the end of the history (holdout excluded).</p>\n");

        Comparison.UserChanges u = c.users();
        h.append("<h2>Users whose triggers change</h2>\n<table id=\"users\"><tr><th class=\"l\">users who</th><th>count</th></tr>")
                .append("<tr><td class=\"l\">gain triggers (only the candidate sends them)</td><td id=\"gained\">").append(u.gained()).append("</td></tr>")
                .append("<tr><td class=\"l\">lose triggers (only the baseline sends them)</td><td id=\"lost\">").append(u.lost()).append("</td></tr>")
                .append("<tr><td class=\"l\">gain some and lose others (e.g. a deadline that moved)</td><td id=\"changed\">").append(u.changed())
                .append("</td></tr></table>\n");
        if (!u.sample().isEmpty()) {
            h.append("<p>A sample of ").append(u.sample().size()).append(" of them, with the triggers that differ:</p>\n")
                    .append("<table id=\"sample\"><tr><th class=\"l\">user</th><th class=\"l\">rule</th><th class=\"l\">fire time</th><th class=\"l\">sent only by</th></tr>\n");
            u.sample().forEach((user, diffs) -> {
                for (Comparison.Difference d : diffs.subList(0, Math.min(diffs.size(), DIFFERENCES_PER_USER))) {
                    h.append("<tr><td class=\"l\">").append(esc(user)).append("</td><td class=\"l\">").append(esc(d.ruleId()))
                            .append("</td><td class=\"l\">").append(d.fireTime()).append("</td><td class=\"l\">").append(d.side()).append("</td></tr>\n");
                }
                if (diffs.size() > DIFFERENCES_PER_USER) {
                    h.append("<tr><td class=\"l\">").append(esc(user)).append("</td><td class=\"l\" colspan=\"3\">and ")
                            .append(diffs.size() - DIFFERENCES_PER_USER).append(" more (all of them in --json)</td></tr>\n");
                }
            });
            h.append("</table>\n");
        }

        Comparison.Cap cap = c.cap();
        h.append("<h2>Frequency cap pressure</h2>\n<table id=\"cap\"><tr><th class=\"l\"></th><th>baseline</th><th>candidate</th></tr>")
                .append("<tr><td class=\"l\">triggers held back by the cap</td><td>").append(cap.baselineSuppressed()).append("</td><td>")
                .append(cap.candidateSuppressed()).append("</td></tr><tr><td class=\"l\">users capped at least once</td><td>")
                .append(cap.baselineUsers()).append("</td><td>").append(cap.candidateUsers()).append("</td></tr></table>\n");

        h.append("<h2>Triggers sent per day (UTC)</h2>\n<p class=\"key\"><span style=\"background:").append(BASELINE_COLOUR)
                .append("\"></span>baseline<span style=\"background:").append(CANDIDATE_COLOUR).append("\"></span>candidate</p>\n");
        c.perDay().forEach((rule, days) -> h.append(chart(rule, days)));
        h.append("</body></html>\n");
        return h.toString();
    }

    /** Bars per day, baseline and candidate side by side, with the counts as tooltips. */
    private static String chart(String rule, Map<LocalDate, long[]> days) {
        List<LocalDate> all = new ArrayList<>();
        for (LocalDate d = days.keySet().iterator().next(); !d.isAfter(((java.util.TreeMap<LocalDate, long[]>) days).lastKey()); d = d.plusDays(1)) {
            all.add(d);
        }
        long max = 1;
        for (long[] n : days.values()) {
            max = Math.max(max, Math.max(n[0], n[1]));
        }
        int width = 640;
        int height = 140;
        int left = 40;
        double slot = (width - left - 10) / (double) all.size();
        StringBuilder s = new StringBuilder();
        s.append("<figure data-rule=\"").append(esc(rule)).append("\"><figcaption>").append(esc(rule)).append("</figcaption>")
                .append("<svg width=\"").append(width).append("\" height=\"").append(height + 20)
                .append("\" role=\"img\" aria-label=\"").append(esc(rule)).append(" triggers per day\">")
                .append("<text x=\"0\" y=\"12\" font-size=\"10\">").append(max).append("</text>")
                .append("<line x1=\"").append(left).append("\" y1=\"").append(height).append("\" x2=\"").append(width)
                .append("\" y2=\"").append(height).append("\" stroke=\"#5f6368\"/>");
        for (int i = 0; i < all.size(); i++) {
            long[] n = days.getOrDefault(all.get(i), new long[2]);
            for (int side = 0; side < 2; side++) {
                double h = (height - 10) * n[side] / (double) max;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %d</title></rect>",
                        left + i * slot + side * slot * 0.45, height - h, Math.max(0.5, slot * 0.4), h,
                        side == 0 ? BASELINE_COLOUR : CANDIDATE_COLOUR, all.get(i), side == 0 ? "baseline" : "candidate", n[side]));
            }
        }
        s.append("<text x=\"").append(left).append("\" y=\"").append(height + 14).append("\" font-size=\"10\">").append(all.get(0))
                .append("</text><text x=\"").append(width).append("\" y=\"").append(height + 14)
                .append("\" font-size=\"10\" text-anchor=\"end\">").append(all.get(all.size() - 1)).append("</text></svg></figure>\n");
        return s.toString();
    }

    private static String change(long before, long after) {
        if (before == after) {
            return "0";
        }
        String pct = before == 0 ? "new" : String.format(Locale.ROOT, "%+.0f%%", 100.0 * (after - before) / before);
        return "<span class=\"" + (after > before ? "up" : "down") + "\">" + String.format(Locale.ROOT, "%+d", after - before)
                + " (" + pct + ")</span>";
    }

    private static String reasons(Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        byReason.forEach((reason, n) -> s.append(s.isEmpty() ? "" : ", ").append(esc(reason)).append(' ').append(n));
        return s.toString();
    }

    private static String rate(Comparison.Side s) {
        return s.followed() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%% of %d", 100 * s.conversionRate(), s.followed());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
