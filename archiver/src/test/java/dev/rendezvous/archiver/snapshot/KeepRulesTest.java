package dev.rendezvous.archiver.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeepRulesTest {
    private static final long HOUR = 3_600_000L;
    private static final long NOW = 100 * HOUR;
    /** Ten hourly snapshots, the newest of the slot just started (hour 99 .. hour 90). */
    private static final List<KeepRules.Candidate> TEN = IntStream.range(0, 10)
            .mapToObj(i -> new KeepRules.Candidate("s" + i, "id" + i, NOW - (i + 1) * HOUR)).toList();

    @ParameterizedTest(name = "last={0} for={1} expires {2}")
    @CsvSource({
            ",,           ''",
            "3,,          s9 s8 s7 s6 s5 s4 s3",
            ",PT4H30M,    s9 s8 s7 s6 s5 s4",
            "2,PT4H30M,   s9 s8 s7 s6 s5 s4",
            "6,PT2H30M,   s9 s8 s7 s6",
            "8,PT2H30M,   s9 s8",
            "10,,         ''",
            ",PT1H,       s9 s8 s7 s6 s5 s4 s3 s2 s1 s0",
    })
    void expiresWhatNoRuleKeepsOldestFirst(Integer last, String maxAge, String expected) {
        KeepRules rules = new KeepRules(last, maxAge == null ? null : Duration.parse(maxAge));

        List<String> expired = rules.expired(TEN, NOW).stream().map(KeepRules.Candidate::name).toList();

        assertThat(String.join(" ", expired)).isEqualTo(expected.trim());
    }

    @Test
    void refusesRulesThatWouldKeepNothing() {
        assertThatThrownBy(() -> new KeepRules(0, null)).hasMessageContaining("keep.last is 0");
        assertThatThrownBy(() -> new KeepRules(null, Duration.ZERO)).hasMessageContaining("keep.for is PT0S");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"hourly, PT1H", "daily, PT24H", "Weekly, PT168H", "PT15M, PT15M", "P1D, PT24H", "PT2S, PT2S"})
    void readsNamedAndIso8601Schedules(String text, String expected) {
        assertThat(SnapshotSchedule.parseEvery(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"fortnightly", "PT0.5S", "-PT1H", "''"})
    void refusesOtherSchedulesSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> SnapshotSchedule.parseEvery(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching(".*(hourly, daily, weekly|shorter than PT1S|missing).*");
    }

    @Test
    void slotsStartAtMultiplesOfThePeriodInUtcAndHaveStableNames() {
        SnapshotSchedule hourly = new SnapshotSchedule(Duration.ofHours(1), null);
        long t = java.time.Instant.parse("2026-12-04T19:42:17.123Z").toEpochMilli();

        assertThat(hourly.slotAt(t)).isEqualTo(java.time.Instant.parse("2026-12-04T19:00:00Z").toEpochMilli());
        assertThat(SnapshotSchedule.nameOf(hourly.slotAt(t))).isEqualTo("scheduled-2026-12-04T19-00-00Z");
        assertThat(hourly.keep()).isEqualTo(KeepRules.KEEP_ALL);
    }
}
