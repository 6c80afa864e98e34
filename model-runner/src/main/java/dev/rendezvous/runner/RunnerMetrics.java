package dev.rendezvous.runner;

import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.TimeLimitedModel;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * A runner's meters, tagged with app, model and version: counters {@code rdv.runner.requests},
 * {@code rdv.runner.errors} (tag {@code code}), {@code rdv.runner.expired}, {@code rdv.runner.refused},
 * {@code rdv.runner.send.failures}; histograms {@code rdv.runner.batch.size} (requests per model call),
 * {@code rdv.runner.queue.wait} (receipt to start of scoring, per request) and {@code rdv.runner.inference}
 * (per model call); gauge {@code rdv.runner.calls.stuck} (model calls abandoned after {@code callTimeoutMs}
 * and still running).
 */
final class RunnerMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter requests;
    private final Counter expired;
    private final Counter refused;
    private final Counter sendFailures;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer queueWait;

    RunnerMetrics(MeterRegistry registry, ModelManifest manifest) {
        this.registry = registry;
        this.tags = Tags.of("app", manifest.app(), "model", manifest.name(), "version", manifest.version());
        this.requests = Counter.builder("rdv.runner.requests").description("requests scored or answered with an error").tags(tags).register(registry);
        this.expired = Counter.builder("rdv.runner.expired").description("requests whose deadline passed before scoring").tags(tags).register(registry);
        this.refused = Counter.builder("rdv.runner.refused")
                .description("records skipped as not a valid request of this app (the rendezvous dead-letters them)").tags(tags).register(registry);
        this.sendFailures = Counter.builder("rdv.runner.send.failures").description("scores Kafka did not accept").tags(tags).register(registry);
        // Percentile histograms, so that a Prometheus-style registry can aggregate them across runners.
        this.batchSize = DistributionSummary.builder("rdv.runner.batch.size").description("requests per model call").tags(tags)
                .publishPercentileHistogram().register(registry);
        this.inference = Timer.builder("rdv.runner.inference").description("time per model call").tags(tags)
                .publishPercentileHistogram().register(registry);
        this.queueWait = Timer.builder("rdv.runner.queue.wait").description("time from a request's receipt to the start of its scoring")
                .tags(tags).publishPercentileHistogram().register(registry);
    }

    void scored(ModelScore score) {
        requests.increment();
        queueWait.record(score.queueWaitMicros(), TimeUnit.MICROSECONDS);
        if (score.failed()) {
            Counter.builder("rdv.runner.errors").tags(tags).tag("code", score.error().code()).register(registry).increment();
            if (ScoreError.EXPIRED_BEFORE_START.equals(score.error().code())) {
                expired.increment();
            }
        }
    }

    void called(BatchScorer.Call call) {
        batchSize.record(call.batchSize());
        inference.record(call.inferenceMicros(), TimeUnit.MICROSECONDS);
    }

    void watchStuckCalls(TimeLimitedModel model) {
        stuckCalls = Gauge.builder("rdv.runner.calls.stuck", model, TimeLimitedModel::stuckCalls)
                .description("model calls abandoned after callTimeoutMs and still running").tags(tags).register(registry);
    }

    /**
     * Removes the gauges tied to this runner's objects: the registry is shared by a process's runners,
     * and a version deployed again would otherwise get back the old gauge, reading the closed model.
     */
    void close() {
        if (stuckCalls != null) {
            registry.remove(stuckCalls);
        }
    }

    private Gauge stuckCalls;

    void refused() {
        refused.increment();
    }

    void sendFailed() {
        sendFailures.increment();
    }
}
