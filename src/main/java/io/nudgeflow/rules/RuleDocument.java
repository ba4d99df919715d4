package io.nudgeflow.rules;

/**
 * One record of the rules topic: a rule set document as published, and where it came from. A plain class
 * with public fields so Flink moves it with its POJO serializer (no Kryo).
 */
public final class RuleDocument {
    /** The record key: the rule set id it is meant for (null when the record had no key). */
    public String ruleSetId;
    /** The document, YAML or JSON as for {@code --rules} (null when the record had no value). */
    public String text;
    /** The record's timestamp: when it was published (epoch ms, wall clock). */
    public long publishedAt;
    /** The instant it takes effect, from the {@value #EFFECTIVE_FROM_HEADER} header; null: {@link #publishedAt}. */
    public Long effectiveFrom;
    /** What the header said when it could not be read as an instant (the document is rejected), else null. */
    public String badEffectiveFrom;
    public String topic;
    public int partition;
    public long offset;

    /** ISO-8601 instant or epoch milliseconds; set by {@code nudgeflow rules publish --effective-from}. */
    public static final String EFFECTIVE_FROM_HEADER = "nudgeflow-effective-from";

    public RuleDocument() {}

    public RuleDocument(String ruleSetId, String text, long publishedAt, Long effectiveFrom, String topic, int partition,
            long offset) {
        this.ruleSetId = ruleSetId;
        this.text = text;
        this.publishedAt = publishedAt;
        this.effectiveFrom = effectiveFrom;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** An ISO-8601 instant or epoch milliseconds, else null. */
    public static Long parseInstant(String text) {
        try {
            return !text.isEmpty() && text.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(text) : java.time.Instant.parse(text).toEpochMilli();
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Where it came from, as a timeline entry records it. */
    public String origin() {
        return "topic:" + topic + "/" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "RuleDocument[" + ruleSetId + " at " + origin() + "]";
    }
}
