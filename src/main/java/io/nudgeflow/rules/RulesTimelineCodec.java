package io.nudgeflow.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudgeflow.domain.RulesTimeline;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule timeline as JSON, for the job's broadcast state: each entry's document text (parsed again on restore,
 * so a savepoint holds no Java-serialized classes), its seq, effective instant and origin.
 */
public final class RulesTimelineCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RulesTimelineCodec() {}

    /**
     * A timeline as the job keeps it.
     *
     * @param startedWith the version of the {@code --rules} file the job was started with, to tell on restore
     *     whether an upgrade brought a changed file
     */
    public record Stored(RulesTimeline timeline, String startedWith) {}

    public static String toJson(Stored stored) {
        RulesTimeline timeline = stored.timeline();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", 1);
        root.put("started_with", stored.startedWith());
        root.put("last_seq", timeline.lastSeq());
        ArrayNode entries = root.putArray("entries");
        for (RulesTimeline.Entry e : timeline.entries()) {
            if (e.document() == null && !e.fromFile()) {
                throw new IllegalArgumentException("rule set " + e.rules().version() + " has no document to keep");
            }
            entries.addObject()
                    .put("seq", e.seq())
                    .put("effective_from", e.effectiveFrom())
                    .put("origin", e.origin())
                    .put("version", e.rules().version())
                    .put("document", e.document());
        }
        return root.toString();
    }

    /**
     * @param file the rule file the job runs with now: it stands in for a file's rule set kept without its
     *     text (an embedded job given a parsed rule set) when the versions are the same
     */
    public static Stored fromJson(String json, RulesTimeline.Entry file) {
        try {
            JsonNode root = JSON.readTree(json);
            List<RulesTimeline.Entry> entries = new ArrayList<>();
            for (JsonNode e : root.get("entries")) {
                String origin = e.get("origin").asText();
                JsonNode text = e.get("document");
                if (text == null || text.isNull()) {
                    if (!file.rules().version().equals(e.get("version").asText())) {
                        throw new IllegalStateException("the job's state holds rule set " + e.get("version").asText()
                                + " without its text, and the rules given now are " + file.rules().version());
                    }
                    entries.add(new RulesTimeline.Entry(e.get("seq").asInt(), e.get("effective_from").asLong(),
                            file.rules(), origin, null));
                    continue;
                }
                String document = text.asText();
                entries.add(new RulesTimeline.Entry(e.get("seq").asInt(), e.get("effective_from").asLong(),
                        RuleSetParser.parse(document, origin), origin, document));
            }
            return new Stored(RulesTimeline.restore(entries, root.get("last_seq").asInt()), root.get("started_with").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable rule timeline in the job's state: " + e.getOriginalMessage(), e);
        }
    }
}
