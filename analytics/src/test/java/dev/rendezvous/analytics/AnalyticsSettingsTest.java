package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.analytics.AnalyticsSettings.AppThresholds;
import dev.rendezvous.analytics.AnalyticsSettings.SlidingWindow;
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
        assertThatThrownBy(() -> new AnalyticsSettings(windows, List.of(), settle, emit, min, drift, disagreement, tolerance, thresholds, dir, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
    }

    @Test
    void anAppsThresholdReplacesTheDefaultOnlyWhereGiven() {
        AnalyticsSettings settings = new AnalyticsSettings(List.of(60_000L), null, 2000, 1000, 100, 0.25, 0.1, 0.0,
                Map.of("fraud", new AppThresholds(null, 0.02)), Path.of("x"), false);
        assertThat(settings.disagreementThreshold("fraud")).isEqualTo(0.02);
        assertThat(settings.driftThreshold("fraud")).isEqualTo(0.25);
        assertThat(settings.disagreementThreshold("other")).isEqualTo(0.1);
    }

    static Stream<Arguments> slidingRefusals() {
        return Stream.of(
                Arguments.of(List.of(new SlidingWindow(500, 100)), "analytics.slidingWindows[0].sizeMs must be 1000"),
                Arguments.of(List.of(new SlidingWindow(60_000, 7_000)), "analytics.slidingWindows[0].advanceMs must be at least 1000 ms, below sizeMs, divide"),
                Arguments.of(List.of(new SlidingWindow(60_000, 60_000)), "analytics.slidingWindows[0].advanceMs"),
                Arguments.of(List.of(new SlidingWindow(3_600_000, 1_000)), "at least 1/360 of it, was 1000"),
                Arguments.of(List.of(new SlidingWindow(60_000, 10_000), new SlidingWindow(60_000, 20_000)), "analytics.slidingWindows lists a size twice"));
    }

    @ParameterizedTest
    @MethodSource("slidingRefusals")
    void refusesABadSlidingWindowNamingItsKey(List<SlidingWindow> sliding, String expected) {
        assertThatThrownBy(() -> AnalyticsSettings.DEFAULT.withSlidingWindows(sliding)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void slidesOneMinuteBy10SecondsAndOneHourByAMinuteByDefault() {
        assertThat(AnalyticsSettings.DEFAULT.slidingWindows()).containsExactly(new SlidingWindow(60_000, 10_000), new SlidingWindow(3_600_000, 60_000));
        assertThat(AnalyticsSettings.DEFAULT.withSlidingWindows(List.of()).slidingWindows()).isEmpty();
    }
}
