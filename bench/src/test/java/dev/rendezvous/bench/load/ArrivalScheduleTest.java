package dev.rendezvous.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    @ParameterizedTest
    @CsvSource({
            "1000, 0, 0",
            "1000, 1, 1000000",
            "1000, 1000, 1000000000",
            "3, 1, 333333333",
            "3, 3, 1000000000",
            "7000, 7000, 1000000000"})
    void schedulesEachRequestFromTheStartWithoutAccumulatingRounding(double rate, long index, long expectedOffsetNanos) {
        ArrivalSchedule schedule = ArrivalSchedule.atRate(rate, 500);

        assertThat(schedule.intendedNanos(index)).isEqualTo(500 + expectedOffsetNanos);
    }

    @ParameterizedTest
    @CsvSource({"1000, 1000000000, 1000", "3, 1000000000, 3", "50, 1000000000, 50", "1000, 1500000, 2"})
    void countsTheRequestsDueWithinADuration(double rate, long durationNanos, long expected) {
        assertThat(ArrivalSchedule.atRate(rate, 0).countWithin(durationNanos)).isEqualTo(expected);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> ArrivalSchedule.atRate(0, 0)).hasMessageContaining("rate must be positive");
    }
}
