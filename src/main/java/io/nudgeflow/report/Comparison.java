package io.nudgeflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudgeflow.io.JsonLines;
import io.nudgeflow.pipeline.ReplayJob;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two rule sets over the same history, side by side: per rule what each sends, suppresses (by reason), whom it
 * reaches and how often its triggers convert; which users gain or lose triggers; triggers per day; and the
 * frequency cap's pressure. Plain data, in a fixed order, so a report of the same runs is the same bytes.
 */
public record Comparison(String baselineVersion, String candidateVersion, Instant until, List<RuleRow> rules,
        UserChanges users, Map<String, Map<LocalDate, long[]>> perDay, Cap cap) {

    /** Users shown per category in the sample. */
    public static final int SAMPLE_USERS = 20;

    /** What one rule set did with one rule. */
    public record Side(long sent, Map<String, Long> suppressed, long usersReached, long followed, long converted) {
        public double conversionRate() {
            return followed == 0 ? Double.NaN : (double) converted / followed;
        }

        public long suppressedTotal() {
            return suppressed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * @param usersGaining users with a trigger of this rule (rule and fire time) that only the candidate sends
     * @param usersLosing users with one that only the baseline sends
     */
    public record RuleRow(String ruleId, Side baseline, Side candidate, long usersGaining, long usersLosing) {
        public boolean differs() {
            return !baseline.equals(candidate) || usersGaining + usersLosing > 0;
        }
    }

    /** A trigger sent to a user by one side only: its rule and fire time. */
    public record Difference(String ruleId, Instant fireTime, String side) {}

    /**
     * Users whose sent triggers differ, by (rule, fire time): only more under the candidate (gained), only fewer
     * (lost), or some of each (changed, e.g. a deadline that moved).
     */
    public record UserChanges(long gained, long lost, long changed, Map<String, List<Difference>> sample) {}

    /** The frequency cap's pressure on each side: triggers it suppressed, and users it capped at least once. */
    public record Cap(long baselineSuppressed, long candidateSuppressed, long baselineUsers, long candidateUsers) {}


    private record Line(String userId, String ruleId, Instant fireTime, String suppressedReason, String variant) {}

    public static Comparison of(String baselineVersion, ReplayJob.Outputs baseline, String candidateVersion,
            ReplayJob.Outputs candidate, Instant until) {
        List<Line> bSent = lines(baseline.triggers());
        List<Line> cSent = lines(candidate.triggers());
        List<Line> bSuppressed = lines(baseline.suppressed());
        List<Line> cSuppressed = lines(candidate.suppressed());
        Set<String> ruleIds = new TreeSet<>();
        for (List<Line> l : List.of(bSent, cSent, bSuppressed, cSuppressed)) {
            l.forEach(x -> ruleIds.add(x.ruleId()));
        }
        Map<String, long[]> bOutcomes = outcomesByRule(baseline.outcomes());
        Map<String, long[]> cOutcomes = outcomesByRule(candidate.outcomes());
        bOutcomes.keySet().forEach(ruleIds::add);
        cOutcomes.keySet().forEach(ruleIds::add);
        Map<String, long[]> gainLoss = new HashMap<>();
        UserChanges users = userChanges(bSent, cSent, gainLoss);
        // each side's lines by rule, once: a rule's row reads its own lines only
        Map<String, List<Line>> bSentByRule = byRule(bSent);
        Map<String, List<Line>> cSentByRule = byRule(cSent);
        Map<String, List<Line>> bSuppressedByRule = byRule(bSuppressed);
        Map<String, List<Line>> cSuppressedByRule = byRule(cSuppressed);
        List<RuleRow> rows = new ArrayList<>();
        for (String rule : ruleIds) {
            long[] gl = gainLoss.getOrDefault(rule, new long[2]);
            rows.add(new RuleRow(rule,
                    side(bSentByRule.getOrDefault(rule, List.of()), bSuppressedByRule.getOrDefault(rule, List.of()),
                            bOutcomes.getOrDefault(rule, new long[2])),
                    side(cSentByRule.getOrDefault(rule, List.of()), cSuppressedByRule.getOrDefault(rule, List.of()),
                            cOutcomes.getOrDefault(rule, new long[2])),
                    gl[0], gl[1]));
        }
        Map<String, Map<LocalDate, long[]>> perDay = new TreeMap<>();
        count(perDay, bSent, 0);
        count(perDay, cSent, 1);
        List<Line> bCapped = capped(bSuppressed);
        List<Line> cCapped = capped(cSuppressed);
        return new Comparison(baselineVersion, candidateVersion, until, rows, users, perDay,
                new Cap(bCapped.size(), cCapped.size(), users(bCapped), users(cCapped)));
    }

    private static Map<String, List<Line>> byRule(List<Line> lines) {
        Map<String, List<Line>> byRule = new HashMap<>();
        for (Line l : lines) {
            byRule.computeIfAbsent(l.ruleId(), r -> new ArrayList<>()).add(l);
        }
        return byRule;
    }

    /** One rule on one side, from that rule's lines and its outcome counts {followed, converted}. */
    private static Side side(List<Line> sent, List<Line> suppressed, long[] outcomes) {
        Set<String> reached = new HashSet<>();
        sent.forEach(l -> reached.add(l.userId()));
        Map<String, Long> byReason = new TreeMap<>();
        suppressed.forEach(l -> byReason.merge(l.suppressedReason(), 1L, Long::sum));
        return new Side(sent.size(), byReason, reached.size(), outcomes[0], outcomes[1]);
    }

    /** Outcomes of sent triggers (the holdout is no part of a rule's conversion rate): {followed, converted}. */
    private static Map<String, long[]> outcomesByRule(List<String> outcomes) {
        Map<String, long[]> byRule = new TreeMap<>();
        for (String line : outcomes) {
            JsonNode n = JsonLines.read(line);
            if (n.path("holdout").asBoolean()) {
                continue;
            }
            long[] c = byRule.computeIfAbsent(n.get("rule_id").asText(), r -> new long[2]);
            c[0]++;
            if (n.path("converted").asBoolean()) {
                c[1]++;
            }
        }
        return byRule;
    }

    /** @param gainLoss filled per rule: {users gaining a trigger of it, users losing one} */
    private static UserChanges userChanges(List<Line> baseline, List<Line> candidate, Map<String, long[]> gainLoss) {
        Map<String, Set<Difference>> b = byUser(baseline, "baseline");
        Map<String, Set<Difference>> c = byUser(candidate, "candidate");
        Set<String> users = new TreeSet<>(b.keySet());
        users.addAll(c.keySet());
        long gained = 0;
        long lost = 0;
        long changed = 0;
        Map<String, List<Difference>> sample = new TreeMap<>();
        for (String user : users) {
            Set<Difference> onlyB = keyed(b.getOrDefault(user, Set.of()));
            Set<Difference> onlyC = keyed(c.getOrDefault(user, Set.of()));
            Set<Difference> common = new HashSet<>(onlyB);
            common.retainAll(onlyC);
            onlyB.removeAll(common);
            onlyC.removeAll(common);
            if (onlyB.isEmpty() && onlyC.isEmpty()) {
                continue;
            }
            onlyC.stream().map(Difference::ruleId).distinct().forEach(r -> gainLoss.computeIfAbsent(r, k -> new long[2])[0]++);
            onlyB.stream().map(Difference::ruleId).distinct().forEach(r -> gainLoss.computeIfAbsent(r, k -> new long[2])[1]++);
            if (onlyB.isEmpty()) {
                gained++;
            } else if (onlyC.isEmpty()) {
                lost++;
            } else {
                changed++;
            }
            if (sample.size() < SAMPLE_USERS) {
                List<Difference> d = new ArrayList<>();
                onlyB.forEach(x -> d.add(new Difference(x.ruleId(), x.fireTime(), "baseline")));
                onlyC.forEach(x -> d.add(new Difference(x.ruleId(), x.fireTime(), "candidate")));
                d.sort(java.util.Comparator.comparing(Difference::fireTime).thenComparing(Difference::ruleId)
                        .thenComparing(Difference::side));
                sample.put(user, d);
            }
        }
        return new UserChanges(gained, lost, changed, sample);
    }

    /** The differences without their side, so the two sides can be compared as sets. */
    private static Set<Difference> keyed(Set<Difference> d) {
        Set<Difference> out = new HashSet<>();
        d.forEach(x -> out.add(new Difference(x.ruleId(), x.fireTime(), "")));
        return out;
    }

    private static Map<String, Set<Difference>> byUser(List<Line> sent, String side) {
        Map<String, Set<Difference>> byUser = new HashMap<>();
        for (Line l : sent) {
            byUser.computeIfAbsent(l.userId(), u -> new HashSet<>()).add(new Difference(l.ruleId(), l.fireTime(), side));
        }
        return byUser;
    }

    private static void count(Map<String, Map<LocalDate, long[]>> perDay, List<Line> sent, int side) {
        for (Line l : sent) {
            LocalDate day = LocalDate.ofInstant(l.fireTime(), ZoneOffset.UTC);
            perDay.computeIfAbsent(l.ruleId(), r -> new TreeMap<>()).computeIfAbsent(day, d -> new long[2])[side]++;
        }
    }

    private static List<Line> capped(List<Line> suppressed) {
        return suppressed.stream().filter(l -> "FREQUENCY_CAP".equals(l.suppressedReason())).toList();
    }

    private static long users(List<Line> lines) {
        return lines.stream().map(Line::userId).distinct().count();
    }

    private static List<Line> lines(List<String> json) {
        List<Line> out = new ArrayList<>(json.size());
        for (String line : json) {
            JsonNode n = JsonLines.read(line);
            out.add(new Line(n.get("user_id").asText(), n.get("rule_id").asText(), Instant.parse(n.get("fire_time").asText()),
                    n.path("suppressed_reason").isNull() ? null : n.path("suppressed_reason").asText(null),
                    n.path("variant").isNull() ? null : n.path("variant").asText(null)));
        }
        return out;
    }


    /** Whether the candidate decides anything differently. */
    public boolean anyDifference() {
        return rules.stream().anyMatch(RuleRow::differs) || users.gained() + users.lost() + users.changed() > 0;
    }
}
