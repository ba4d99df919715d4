package io.nudgeflow.rules;

import io.nudgeflow.domain.RulesTimeline;

/**
 * Which rules a job runs after a restore. The restored timeline (with every switch the rules topic made)
 * goes on, and the topic is read on from where the checkpoint left it. The one exception is an upgrade that
 * ships a changed {@code --rules} file (another version than the job was started with): that file then
 * replaces the rules for every instant, topic changes included, as a redeploy did before rules were live —
 * the platform team's explicit choice wins, and the job logs it.
 */
public final class RulesOnRestore {
    private RulesOnRestore() {}

    /**
     * @param restored the job's stored timeline, or null when nothing was restored
     * @param start the timeline the job was submitted with: its first entry is the {@code --rules} file
     */
    public static RulesTimelineCodec.Stored resolve(RulesTimelineCodec.Stored restored, RulesTimeline start) {
        RulesTimeline.Entry file = start.entries().get(0);
        String fileVersion = file.rules().version();
        if (restored == null) {
            return new RulesTimelineCodec.Stored(start, fileVersion);
        }
        if (restored.startedWith().equals(fileVersion)) {
            return restored;
        }
        RulesTimeline replaced = restored.timeline().switchTo(file.rules(), Long.MIN_VALUE, file.origin(), file.document());
        return new RulesTimelineCodec.Stored(replaced, fileVersion);
    }
}
