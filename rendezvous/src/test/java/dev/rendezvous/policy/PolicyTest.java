package dev.rendezvous.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyTest {
    private final Policy policy = TestPolicies.load("fraud");

    @ParameterizedTest(name = "asking for {0}ms gives {1}ms")
    @CsvSource({"15, 15", "40, 40", "100, 40", "0, 0"})
    void letsACallerShortenTheDeadlineButNeverLengthenIt(long requestedMs, long effectiveMs) {
        assertThat(policy.effectiveDeadlineMs(OptionalLong.of(requestedMs))).isEqualTo(effectiveMs);
    }

    @Test
    void givesTheFullDeadlineWhenTheCallerAsksForNone() {
        assertThat(policy.effectiveDeadlineMs(OptionalLong.empty())).isEqualTo(40);
    }

    @Test
    void rejectsANegativeRequestedDeadline() {
        assertThatThrownBy(() -> policy.effectiveDeadlineMs(OptionalLong.of(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1ms");
    }

    @Test
    void refusesToBeBuiltWithALastStageShortOfTheDeadline() {
        assertThatThrownBy(() -> new Policy("fraud", 1, 50, policy.stages(), policy.split(), policy.fallback()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last stage must end at the deadline");
    }

    @ParameterizedTest
    @ValueSource(strings = {"preferred", "stage-1", "stage-12", "deadline-best", "fallback", "timeout", "no-policy"})
    void readsBackEveryDecisionReasonItWrites(String wireName) {
        assertThat(DecisionReason.parse(wireName).wireName()).isEqualTo(wireName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stage-0", "stage-", "best", "Preferred"})
    void rejectsAnUnknownDecisionReason(String wireName) {
        assertThatThrownBy(() -> DecisionReason.parse(wireName)).isInstanceOf(IllegalArgumentException.class);
    }
}
