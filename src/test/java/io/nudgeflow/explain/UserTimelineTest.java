package io.nudgeflow.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudgeflow.domain.RulesTimeline;
import io.nudgeflow.rules.RuleSetParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserTimelineTest {
    private static String event(String id, String user, String type, String time) {
        return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"event_type\":\"" + type + "\",\"event_time\":\""
                + time + "\",\"timezone\":\"Europe/Berlin\"}";
    }

    @Test
    void tellsATriggerDeferredByQuietHoursAndCancelledByTheUsersReturnWithTheOutcomes(@TempDir Path dir) throws Exception {
        // a lesson at midnight in Berlin: inactive_24h falls due at the next midnight, inside quiet hours (22-08)
        Path events = Files.write(dir.resolve("e.jsonl"), List.of(
                event("a1", "ana", "profile_completed", "2026-03-02T22:00:00Z"),
                event("b1", "bob", "lesson_completed", "2026-03-02T22:30:00Z"),
                event("a2", "ana", "goal_set", "2026-03-02T22:10:00Z"),
                event("a3", "ana", "lesson_completed", "2026-03-02T23:00:00Z"),
                "not json at all",
                event("a4", "ana", "lesson_completed", "2026-03-04T05:00:00Z"),
                event("a4", "ana", "lesson_completed", "2026-03-04T05:00:00Z")));
        RulesTimeline rules = RuleSetParser.timelineOf(null);

        UserTimeline.Story story = UserTimeline.of(events, "ana", rules, Instant.parse("2026-03-08T00:00:00Z").toEpochMilli());

        assertThat(story.events()).isEqualTo(5);
        assertThat(story.badLines()).isEqualTo(1);
        List<String> lines = UserTimeline.lines(story);
        assertThat(lines).anyMatch(l -> l.startsWith("2026-03-03T23:00:00Z") && l.contains("deferred")
                && l.contains("inactive_24h falls in quiet hours: waits until 2026-03-04T07:00:00Z"));
        assertThat(lines).anyMatch(l -> l.startsWith("2026-03-04T05:00:00Z") && l.contains("cancelled")
                && l.contains("inactive_24h (waiting for the end of quiet hours) will not be sent: a4 lesson_completed removed its reason"));
        assertThat(lines).anyMatch(l -> l.contains("ignored") && l.contains("a4 seen before within the dedup window"));
        assertThat(lines).anyMatch(l -> l.contains("stage") && l.contains("NEW -> CASUAL"));
        // the onboarding milestone went out at the lesson and converted by the next active event
        assertThat(lines).anyMatch(l -> l.startsWith("2026-03-02T23:00:00Z") && l.contains("SENT onboarding_completed"));
        assertThat(lines).anyMatch(l -> l.startsWith("2026-03-04T05:00:00Z") && l.contains("outcome")
                && l.contains("onboarding_completed") && l.contains("CONVERTED by a4 after 30h"));
        // the deferred one never went out: the only inactive_24h is the one after the return
        assertThat(story.triggers()).filteredOn(t -> t.ruleId().equals("inactive_24h")).extracting(t -> Instant.ofEpochMilli(t.fireTime()))
                .containsExactly(Instant.parse("2026-03-05T07:00:00Z")); // 24 h later, at the end of that night's quiet hours
        // in time order, whatever the order of the lines in the file
        assertThat(story.entries()).isSortedAccordingTo(java.util.Comparator.comparingLong(UserTimeline.Entry::at));
        assertThat(lines.stream().filter(l -> l.contains("bob"))).isEmpty();
    }
}
