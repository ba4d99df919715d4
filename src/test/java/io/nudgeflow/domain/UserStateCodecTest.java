package io.nudgeflow.domain;

import static io.nudgeflow.domain.EngineFixture.MONDAY_10AM;
import static io.nudgeflow.domain.EngineFixture.days;
import static io.nudgeflow.domain.EngineFixture.hours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UserStateCodecTest {

    @Test
    void roundTripsEveryField() {
        EngineFixture f = new EngineFixture().event("signup", MONDAY_10AM, "America/New_York").onboardedAt(hours(MONDAY_10AM, 5));
        for (int d = 1; d < 20; d++) {
            f.event("lesson_completed", days(MONDAY_10AM, d), "America/New_York");
        }

        f.engine.reschedule(f.state); // sets the pending wake-up
        UserState decoded = UserStateCodec.decode(UserStateCodec.encode(f.state));

        assertThat(decoded).isEqualTo(f.state);
        assertThat(decoded.stage()).isEqualTo(Stage.HIGHLY_ACTIVE);
        assertThat(decoded.zone()).isEqualTo("America/New_York");
        assertThat(UserStateCodec.encode(decoded)).isEqualTo(UserStateCodec.encode(f.state));
    }

    @Test
    void roundTripsAFullSetOfRecentEventIdsIncludingOutOfOrderOnes() {
        EngineFixture f = new EngineFixture().event("signup", MONDAY_10AM);
        for (int i = 1; i <= RecentIds.MAX + 6; i++) {
            f.event("screen_view", MONDAY_10AM + i * 1_000L);
        }
        f.event("app_open", MONDAY_10AM - hours(0, 20)); // 20 h late: still remembered

        UserState decoded = UserStateCodec.decode(UserStateCodec.encode(f.state));

        assertThat(f.state.recentEventIdCount()).isEqualTo(RecentIds.MAX);
        assertThat(decoded).isEqualTo(f.state);
        assertThat(UserStateCodec.encode(decoded)).isEqualTo(UserStateCodec.encode(f.state));
    }

    @Test
    void anIdTooOldForA32BitOffsetIsDroppedAndTheOthersSurvive() {
        EngineFixture f = new EngineFixture().event("signup", MONDAY_10AM).event("app_open", hours(MONDAY_10AM, 1));
        UserState s = f.state;
        long[] pairs = {11, s.clock - 30L * 24 * 3_600_000, 22, s.clock}; // 30 days before the clock: beyond any window
        s.recentIds = RecentIds.of(pairs, 2);

        UserState decoded = UserStateCodec.decode(UserStateCodec.encode(s));

        assertThat(decoded.recentEventIdCount()).isEqualTo(1);
        assertThat(decoded.recentIds.hashAt(0)).isEqualTo(22);
        assertThat(decoded.recentIds.seenAtOf(0)).isEqualTo(s.clock);
    }

    @Test
    void aTypicalUserTakesAtMost80BytesPlus64PerOpenOutcomeWindow() {
        // onboarded, a week of lessons (a lesson counter, a frequency-cap count), a local zone, one recent event id
        EngineFixture f = new EngineFixture().onboardedAt(MONDAY_10AM);
        for (int d = 1; d < 7; d++) {
            f.event("lesson_completed", days(MONDAY_10AM, d), "Europe/Berlin");
        }
        f.event("app_open", days(MONDAY_10AM, 8), "Europe/Berlin");

        byte[] bytes = UserStateCodec.encode(f.state);

        // 71 bytes before outcomes were followed; each open outcome window adds ~61 (16 of trigger id, the rule id,
        // the rule set version, times); this user has two open (inactive_24h and streak_at_risk): 194 bytes
        assertThat(f.state.outcomes).hasSize(2);
        assertThat(bytes.length).isLessThanOrEqualTo(80 + 64 * f.state.outcomes.size());
    }

    @Test
    void refusesStateWrittenByAnUnknownFormatVersion() {
        byte[] bytes = UserStateCodec.encode(new EngineFixture().event("signup", MONDAY_10AM).state);
        bytes[0] = 99;

        assertThatThrownBy(() -> UserStateCodec.decode(bytes)).hasMessageContaining("Unknown user state version 99");
    }

    @Test
    void aRecordOfTheFormerReleaseKeepsAPendingWakeUpAndForgetsOneThatHadFired() {
        EngineFixture f = new EngineFixture().event("lesson_completed", MONDAY_10AM);
        f.engine.reschedule(f.state); // a wake-up at the 24 h deadline, after the clock: pending
        byte[] pending = UserStateCodec.encode(f.state);
        pending[0] = UserStateCodec.VERSION_PROCESSING_TIME_TIMERS;
        assertThat(UserStateCodec.decode(pending).wakeAt).isEqualTo(hours(MONDAY_10AM, 24));

        // the former release moved the clock to the wall clock when its timer fired, past the wake-up
        f.state.clock = hours(MONDAY_10AM, 25);
        byte[] fired = UserStateCodec.encode(f.state);
        fired[0] = UserStateCodec.VERSION_PROCESSING_TIME_TIMERS;
        assertThat(UserStateCodec.decode(fired).wakeAt).isEqualTo(UserState.NONE);
        fired[0] = UserStateCodec.VERSION;
        assertThat(UserStateCodec.decode(fired).wakeAt).as("now a recorded wake-up is always pending")
                .isEqualTo(hours(MONDAY_10AM, 24));
    }
}
