package dev.rendezvous.analytics;

import dev.rendezvous.protocol.AnalyticsAlert;
import dev.rendezvous.protocol.ModelAnalytics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The analytics' Prometheus metrics: each model's newest figures per window size as gauges
 * ({@code rdv.analytics.*}, tags {@code app}, {@code model} ({@code name@version}), {@code window} (ms;
 * {@code size/advance} for a sliding window)),
 * and counters of alerts and of settled, skipped and too-late requests. A figure that had nothing to
 * compare reads NaN.
 */
public final class AnalyticsMeters {
    /** Every gauge this class registers, with the figure it shows: the Grafana dashboard's test checks its queries against these. */
    public static final Map<String, Function<ModelAnalytics, Double>> GAUGES = Map.of(
            "rdv.analytics.agreement.served", ModelAnalytics::agreementWithServed,
            "rdv.analytics.agreement.canary", ModelAnalytics::agreementWithCanary,
            "rdv.analytics.drift", ModelAnalytics::drift,
            "rdv.analytics.share.win", ModelAnalytics::winShare,
            "rdv.analytics.share.late", ModelAnalytics::lateShare,
            "rdv.analytics.share.error", ModelAnalytics::errorShare,
            "rdv.analytics.latency.p50.ms", f -> f.latencyMs().p50(),
            "rdv.analytics.latency.p99.ms", f -> f.latencyMs().p99(),
            "rdv.analytics.requests", f -> (double) f.requests());
    /** Every counter this class registers. */
    public static final List<String> COUNTERS = List.of("rdv.analytics.alerts", "rdv.analytics.settled", "rdv.analytics.skipped",
            "rdv.analytics.too.late");

    private final MeterRegistry registry;
    private final Map<Tags, Map<String, AtomicReference<Double>>> shown = new ConcurrentHashMap<>();

    public AnalyticsMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Shows {@code figures} under tag {@code window}: the size in ms for a tumbling window, {@code size/advance} for a sliding one. */
    void show(ModelAnalytics figures, String window) {
        Tags tags = Tags.of("app", figures.app(), "model", figures.model() + "@" + figures.version(), "window", window);
        Map<String, AtomicReference<Double>> values = shown.computeIfAbsent(tags, t -> {
            Map<String, AtomicReference<Double>> created = new ConcurrentHashMap<>();
            GAUGES.keySet().forEach(name -> {
                AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                Gauge.builder(name, value, v -> v.get()).tags(t).strongReference(true).register(registry);
                created.put(name, value);
            });
            return created;
        });
        GAUGES.forEach((name, figure) -> {
            Double value = figure.apply(figures);
            values.get(name).set(value == null ? Double.NaN : value);
        });
    }

    void alerted(AnalyticsAlert alert) {
        registry.counter("rdv.analytics.alerts", "app", alert.app(), "model", alert.model() + "@" + alert.version(), "kind",
                alert.kind().wireName()).increment();
    }

    void settled(String app) {
        registry.counter("rdv.analytics.settled", "app", app).increment();
    }

    void skipped(String app) {
        registry.counter("rdv.analytics.skipped", "app", app).increment();
    }

    void tooLate(String app) {
        registry.counter("rdv.analytics.too.late", "app", app).increment();
    }
}
