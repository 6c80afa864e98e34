package dev.rendezvous.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunnerMetricsTest {
    private static final Tags MODEL = Tags.of("app", "fraud", "model", "fraud-lr", "version", "1");

    @Test
    void countsRequestsErrorsAndExpiredAndRecordsBatchSizeQueueWaitAndInferenceTaggedWithTheModel() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunnerMetrics metrics = new RunnerMetrics(registry, DemoManifests.lr());

        metrics.scored(score(null, 2_000));
        metrics.scored(score(ScoreError.EXPIRED_BEFORE_START, 9_000));
        metrics.scored(score(ScoreError.INVALID_INPUT, 1_000));
        metrics.called(new BatchScorer.Call(3, 1_500, false));

        assertThat(registry.get("rdv.runner.requests").tags(MODEL).counter().count()).isEqualTo(3);
        assertThat(registry.get("rdv.runner.expired").tags(MODEL).counter().count()).isEqualTo(1);
        assertThat(registry.get("rdv.runner.errors").tags(MODEL).tag("code", ScoreError.INVALID_INPUT).counter().count()).isEqualTo(1);
        assertThat(registry.get("rdv.runner.errors").tags(MODEL).tag("code", ScoreError.EXPIRED_BEFORE_START).counter().count()).isEqualTo(1);
        assertThat(registry.get("rdv.runner.queue.wait").tags(MODEL).timer().count()).isEqualTo(3);
        assertThat(registry.get("rdv.runner.queue.wait").tags(MODEL).timer().max(TimeUnit.MICROSECONDS)).isEqualTo(9_000);
        assertThat(registry.get("rdv.runner.batch.size").tags(MODEL).summary().totalAmount()).isEqualTo(3);
        assertThat(registry.get("rdv.runner.inference").tags(MODEL).timer().totalTime(TimeUnit.MICROSECONDS)).isEqualTo(1_500);
    }

    private static ModelScore score(String errorCode, long queueWaitMicros) {
        return new ModelScore("r", "fraud", "fraud-lr", "1", ModelRole.LIVE,
                errorCode == null ? JsonCodec.mapper().createObjectNode() : null,
                errorCode == null ? null : new ScoreError(errorCode, "why"), queueWaitMicros, 0, 1, 1);
    }
}
