package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rendezvous.analytics.RequestSummary.Answer;
import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.ModelRole;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WindowFiguresTest {
    private static Answer labelled(String label, double score) {
        return new Answer("m@1", ModelRole.LIVE, label, score, null, 1L);
    }

    private static Answer unlabelled(double score) {
        return new Answer("m@1", ModelRole.LIVE, null, score, null, 1L);
    }

    static Stream<Arguments> pairs() {
        Answer error = new Answer("m@1", ModelRole.LIVE, null, null, "model-failure", 1L);
        return Stream.of(
                Arguments.of("same label, scores far apart", labelled("fraud", 0.9), labelled("fraud", 0.6), 0.05, true),
                Arguments.of("other label, scores close", labelled("fraud", 0.51), labelled("legit", 0.49), 0.05, false),
                Arguments.of("no labels, scores within the tolerance", unlabelled(0.30), unlabelled(0.34), 0.05, true),
                Arguments.of("no labels, scores beyond the tolerance", unlabelled(0.30), unlabelled(0.40), 0.05, false),
                Arguments.of("one label only, scores compared", labelled("fraud", 0.30), unlabelled(0.31), 0.05, true),
                Arguments.of("no labels, tolerance 0: not compared", unlabelled(0.30), unlabelled(0.30), 0.0, null),
                Arguments.of("an error is never compared", error, labelled("fraud", 0.3), 0.05, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void agreesOnLabelsElseOnScoresWithinTheTolerance(String what, Answer a, Answer b, double tolerance, Boolean expected) {
        assertThat(WindowFigures.agree(a, b, tolerance)).isEqualTo(expected);
    }

    @Test
    void aModelThatLabelsTheCanarysScoresTheOtherWayRoundDriftsThoughItsScoresAreTheSame() {
        WindowFigures window = new WindowFigures("fraud", 60_000, 0);
        for (int i = 0; i < 100; i++) {
            double fraud = i < 10 ? 0.9 : 0.1;
            Answer canary = new Answer("c@1", ModelRole.CANARY, fraud > 0.5 ? "fraud" : "legit", fraud, null, 1L);
            Answer swapped = new Answer("s@1", ModelRole.SHADOW, fraud > 0.5 ? "legit" : "fraud", fraud, null, 1L);
            Answer copy = new Answer("k@1", ModelRole.SHADOW, canary.label(), fraud, null, 1L);
            window.add(new RequestSummary("fraud", "r" + i, i, false, null, List.of(), List.of(canary, swapped, copy)), 0.0);
        }
        Map<String, ModelAnalytics> byRef = window.figures(1, false, null).stream()
                .collect(Collectors.toMap(f -> f.model() + "@" + f.version(), f -> f));
        // Same scores: the score PSI alone would be ~0. The label shares are 10/90 against 90/10.
        assertThat(byRef.get("s@1").drift()).isCloseTo(1.6 * Math.log(9), within(1e-6));
        assertThat(byRef.get("k@1").drift()).isLessThan(0.01);
        assertThat(byRef.get("c@1").drift()).isNull();
    }
}
