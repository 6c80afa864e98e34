package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.replay.FraudArchive.Plan;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's acceptance: a 100,000-record snapshot is replayed, and the report's agreement numbers
 * match an independent computation (ONNX Runtime called directly, the served plan known).
 */
class ReplayAgreementTest {
    private static final int FRAUD = 0;

    @Test
    void reportsTheAgreementWithWhatWasServedThatAnIndependentComputationFinds() throws Exception {
        FraudArchive archive = FraudArchive.get();
        JsonNode report = archive.servedReplay().report();

        Map<Plan, Long> plans = new TreeMap<>();
        long agreed = 0;
        Map<String, Long> transitions = new TreeMap<>();
        double largestDelta = 0;
        String largestId = null;
        for (int i = 0; i < FraudArchive.REQUESTS; i++) {
            Plan plan = Plan.of(i);
            plans.merge(plan, 1L, Long::sum);
            String replayed = archive.fm.label(archive.fmOutputs[i]);
            String served = switch (plan) {
                case FM -> archive.fm.label(archive.fmOutputs[i]);
                case LR -> archive.lr.label(archive.lrOutputs[i]);
                case FALLBACK -> "legit";
                default -> null;
            };
            if (served != null) {
                agreed += served.equals(replayed) ? 1 : 0;
                transitions.merge(served + " -> " + replayed, 1L, Long::sum);
            }
            if (plan == Plan.LR) {
                double delta = Math.abs(archive.fmOutputs[i][FRAUD] - archive.lrOutputs[i][FRAUD]);
                if (delta > largestDelta) {
                    largestDelta = delta;
                    largestId = FraudArchive.requestId(i);
                }
            }
        }
        long compared = plans.get(Plan.FM) + plans.get(Plan.LR) + plans.get(Plan.FALLBACK);

        JsonNode counts = report.get("counts");
        assertThat(counts.get("inputs").asLong()).isEqualTo(FraudArchive.REQUESTS);
        assertThat(counts.get("undecodable").asLong()).isEqualTo(plans.get(Plan.GARBAGE));
        assertThat(counts.get("replayErrors").asLong()).isZero();
        assertThat(counts.get("baselineMissing").asLong()).isEqualTo(plans.get(Plan.NOT_ARCHIVED));
        assertThat(counts.get("baselineWithoutAnswer").asLong()).isEqualTo(plans.get(Plan.TIMEOUT));
        assertThat(counts.get("compared").asLong()).isEqualTo(compared);
        assertThat(counts.get("comparedByLabel").asLong()).isEqualTo(compared);
        assertThat(counts.get("agreed").asLong()).isEqualTo(agreed);
        assertThat(report.get("agreementRate").asDouble()).isEqualTo(agreed / (double) compared);
        assertThat(report.get("errorRate").asDouble()).isEqualTo(2.0 / FraudArchive.REQUESTS);
        assertThat(report.get("baselineBy").get("fraud-fm@1").asLong()).isEqualTo(plans.get(Plan.FM));
        assertThat(report.get("baselineBy").get("fraud-lr@1").asLong()).isEqualTo(plans.get(Plan.LR));
        assertThat(report.get("baselineBy").get("fallback").asLong()).isEqualTo(plans.get(Plan.FALLBACK));
        assertThat(report.get("baselineBy").get("timeout").asLong()).isEqualTo(plans.get(Plan.TIMEOUT));
        assertThat(report.get("baselineErrors").get("timeout").asLong()).isEqualTo(plans.get(Plan.TIMEOUT));
        transitions.forEach((transition, count) -> assertThat(report.get("labelTransitions").get(transition).asLong())
                .as(transition).isEqualTo(count));
        // The same model on the same inputs agrees to the bit; only the requests served by fraud-lr@1 move.
        assertThat(report.at("/scoreDelta/pairs").asLong()).isEqualTo(plans.get(Plan.FM) + plans.get(Plan.LR));
        assertThat(report.at("/scoreDelta/p50").asDouble()).isZero();
        assertThat(report.at("/scoreDelta/absMax").asDouble()).isCloseTo(largestDelta, within(1e-6));
        assertThat(report.at("/largestChanges/0/requestId").asText()).isEqualTo(largestId);
        assertThat(report.at("/largestChanges/0/baselineBy").asText()).isEqualTo("fraud-lr@1");
        assertThat(report.get("largestChanges")).hasSize(20);
        assertThat(report.at("/against/decisions").asLong())
                .isEqualTo(FraudArchive.REQUESTS - plans.get(Plan.GARBAGE) - plans.get(Plan.NOT_ARCHIVED));
        assertThat(report.at("/against/duplicateDecisions").asLong()).isZero();
        long inBuckets = 0;
        for (JsonNode bucket : report.at("/overTime/buckets")) {
            inBuckets += bucket.get("compared").asLong();
        }
        assertThat(inBuckets).isEqualTo(compared);
    }

    @Test
    void comparesWithASecondModelScoredOnTheSameInputs(@TempDir Path out) throws Exception {
        FraudArchive archive = FraudArchive.get();
        ReplaySettings settings = ReplaySettings.of(archive.archiveDir, archive.snapshotId, archive.fmManifest,
                out).against(archive.lrManifest).withThreads(2);

        JsonNode report = ReplayRunner.run(settings, null).report();

        long agreed = 0;
        long decodable = 0;
        for (int i = 0; i < FraudArchive.REQUESTS; i++) {
            if (Plan.of(i) != Plan.GARBAGE) {
                decodable++;
                agreed += archive.fm.label(archive.fmOutputs[i]).equals(archive.lr.label(archive.lrOutputs[i])) ? 1 : 0;
            }
        }
        assertThat(report.at("/against/kind").asText()).isEqualTo("model");
        assertThat(report.at("/against/name").asText()).isEqualTo("fraud-lr");
        assertThat(report.at("/counts/compared").asLong()).isEqualTo(decodable);
        assertThat(report.at("/counts/agreed").asLong()).isEqualTo(agreed);
        assertThat(report.at("/scoreDelta/pairs").asLong()).isEqualTo(decodable);
    }
}
