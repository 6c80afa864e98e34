package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The AIMD in-flight limit on a virtual clock: window 100 ms, target 50 ms, floor 8, static maximum 1,000. */
class AdaptiveLimitTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong target = new AtomicLong(50);
    private final AdaptiveLimit limit = new AdaptiveLimit(1_000, 8, 100, target::get, now::get);

    @Test
    void cutsFromTwiceThePeakInFlightWhenEvenTheQuickestAnswerOfAWindowMissedTheTarget() {
        limit.admitted(100);
        answerAt(0, 80);
        answerAt(50, 60);

        answerAt(100, 70); // closes the first window (quickest 60 > 50)

        assertThat(limit.limit()).isEqualTo(160); // 0.8 × min(1,000, 2 × 100)
        assertThat(limit.lastWindowMinMs()).isEqualTo(60);
        assertThat(limit.lastTargetMs()).isEqualTo(50);

        answerAt(200, 90); // closes the second window (70): from the limit now, below twice the peak
        assertThat(limit.limit()).isEqualTo(128);
    }

    @Test
    void keepsFromCuttingWhenOneAnswerOfTheWindowMetTheTarget() {
        cutOnce();
        answerAt(100, 80);
        answerAt(120, 10);
        answerAt(150, 90);

        answerAt(200, 80);

        assertThat(limit.lastWindowMinMs()).isEqualTo(10);
        assertThat(limit.limit()).isEqualTo(160 + 12); // grew by √160
    }

    @Test
    void growsBackInSquareRootStepsOnceAnswersMeetTheTargetButNeverAboveTheStaticLimit() {
        limit.admitted(5);
        for (int window = 0; window < 30; window++) {
            answerAt(window * 100L, 500);
        }
        assertThat(limit.limit()).isEqualTo(8);

        answerAt(3_000, 5); // closes the last slow window: still the floor
        assertThat(limit.limit()).isEqualTo(8);

        long t = 3_000;
        for (int expected : new int[] {8 + 2, 10 + 3, 13 + 3, 16 + 4, 20 + 4}) {
            t += 100;
            answerAt(t, 5);
            assertThat(limit.limit()).isEqualTo(expected);
        }
        for (int window = 0; window < 200; window++) {
            answerAt(t + window * 100L, 5);
        }
        assertThat(limit.limit()).isEqualTo(1_000);
    }

    @Test
    void changesNothingWhileNoAnswerArrivesHoweverLongAndThenClosesOnlyOneWindow() {
        cutOnce();
        answerAt(100, 80); // opens the second window
        now.set(10_000);
        limit.admitted(100);

        assertThat(limit.limit()).isEqualTo(160);

        answerAt(10_000, 80); // 9.9 s without answers are one window, not 99 slow ones
        assertThat(limit.limit()).isEqualTo(128);
    }

    @Test
    void neverCutsBelowTheFloor() {
        limit.admitted(1_000);
        for (int window = 0; window < 100; window++) {
            answerAt(window * 100L, 1_000);
        }

        assertThat(limit.limit()).isEqualTo(8);
    }

    @Test
    void comparesEachWindowWithTheTargetInForceWhenItCloses() {
        limit.admitted(100);
        answerAt(0, 70);
        target.set(100); // e.g. the app's policy deadline was raised

        answerAt(100, 70);

        assertThat(limit.limit()).isEqualTo(1_000);
        assertThat(limit.lastTargetMs()).isEqualTo(100);
    }

    @Test
    void takesAFloorAboveTheStaticLimitAsTheStaticLimit() {
        AdaptiveLimit small = new AdaptiveLimit(4, 8, 100, () -> 50, now::get);
        small.admitted(4);
        for (int window = 0; window < 10; window++) {
            now.set(window * 100L);
            small.answered(500, 4);
        }

        assertThat(small.limit()).isEqualTo(4);
    }

    /** One slow window with 100 in flight: the limit is 160 afterwards, and the clock at 100. */
    private void cutOnce() {
        limit.admitted(100);
        answerAt(0, 80);
        answerAt(100, 80);
        assertThat(limit.limit()).isEqualTo(160);
    }

    private void answerAt(long atMs, long delayMs) {
        now.set(atMs);
        limit.answered(delayMs, 100);
    }
}
