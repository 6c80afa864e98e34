package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.analytics.AnalyticsSettings.AppThresholds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AnalyticsSettingsTest {
    static Stream<Arguments> refusals() {
        Path dir = Path.of("x");
        return Stream.of(
                Arguments.of(new Object[] {List.of(), 2000L, 1000L, 100L, 0.25, 0.1, 0.0, Map.of(), dir, "analytics.windowsMs must list"}),
                Arguments.of(new Object[] {List.of(60_000L, 10L), 2000L, 1000L, 100L, 0.25, 0.1, 0.0, Map.of(), dir, "analytics.windowsMs[1]"}),
                Arguments.of(new Object[] {List.of(60_000L, 60_000L), 2000L, 1000L, 100L, 0.25, 0.1, 0.0, Map.of(), dir, "twice"}),
                Arguments.of(new Object[] {List.of(60_000L), -1L, 1000L, 100L, 0.25, 0.1, 0.0, Map.of(), dir, "analytics.settleMs"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 10L, 100L, 0.25, 0.1, 0.0, Map.of(), dir, "analytics.emitIntervalMs"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 0L, 0.25, 0.1, 0.0, Map.of(), dir, "analytics.minSamples"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 100L, 0.0, 0.1, 0.0, Map.of(), dir, "analytics.driftThreshold"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 100L, 0.25, 1.5, 0.0, Map.of(), dir, "analytics.disagreementThreshold"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 100L, 0.25, 0.1, 0.0,
                        Map.of("fraud", new AppThresholds(null, 2.0)), dir, "analytics.thresholds.fraud.disagreement"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 100L, 0.25, 0.1, 0.0,
                        Map.of("fraud", new AppThresholds(-1.0, null)), dir, "analytics.thresholds.fraud.drift"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 100L, 0.25, 0.1, 0.0, Map.of(), null, "analytics.stateDir"}),
                Arguments.of(new Object[] {List.of(60_000L), 2000L, 1000L, 100L, 0.25, 0.1, -0.1, Map.of(), dir, "analytics.scoreTolerance"}));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    @SuppressWarnings("unchecked")
    void refusesABadValueNamingItsKey(List<Long> windows, long settle, long emit, long min, double drift, double disagreement,
                                      double tolerance, Map<String, AppThresholds> thresholds, Path dir, String expected) {
        assertThatThrownBy(() -> new AnalyticsSettings(windows, settle, emit, min, drift, disagreement, tolerance, thresholds, dir, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
    }

    @Test
    void anAppsThresholdReplacesTheDefaultOnlyWhereGiven() {
        AnalyticsSettings settings = new AnalyticsSettings(List.of(60_000L), 2000, 1000, 100, 0.25, 0.1, 0.0,
                Map.of("fraud", new AppThresholds(null, 0.02)), Path.of("x"), false);
        assertThat(settings.disagreementThreshold("fraud")).isEqualTo(0.02);
        assertThat(settings.driftThreshold("fraud")).isEqualTo(0.25);
        assertThat(settings.disagreementThreshold("other")).isEqualTo(0.1);
    }
}
