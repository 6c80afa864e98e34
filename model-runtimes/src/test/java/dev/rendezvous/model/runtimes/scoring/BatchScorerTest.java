package dev.rendezvous.model.runtimes.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.Batching;
import dev.rendezvous.model.api.manifest.InputMapping;
import dev.rendezvous.model.api.manifest.Lineage;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.api.manifest.ModelRuntime;
import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchScorerTest {
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC);

    /** Scores each row as [x0, 1 - x0] and remembers the rows of every call; optionally without a dynamic batch dimension. */
    private static final class FakeModel implements BatchModel {
        final List<Integer> calls = new ArrayList<>();
        boolean failing;
        boolean timingOut;
        boolean dropLastRow;
        long batchDim = TensorSpec.DYNAMIC;

        @Override
        public Signature signature() {
            return new Signature(List.of(new TensorSpec("input", DataType.FP32, List.of(batchDim, 2L))),
                    List.of(new TensorSpec("output", DataType.FP32, List.of(batchDim, 2L))));
        }

        @Override
        public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
            TensorValue input = inputs.get("input");
            int rows = (int) input.dim(0);
            calls.add(rows);
            if (failing) {
                throw new ModelFailureException("the model broke", null);
            }
            if (timingOut) {
                throw new CallTimeoutException("the model call did not return within callTimeoutMs (5 ms)");
            }
            int outRows = dropLastRow ? rows - 1 : rows;
            float[] out = new float[outRows * 2];
            for (int r = 0; r < outRows; r++) {
                out[2 * r] = input.floats()[2 * r];
                out[2 * r + 1] = 1 - input.floats()[2 * r];
            }
            return Map.of("output", TensorValue.of(out, outRows, 2));
        }

        @Override
        public void close() {
        }
    }

    private final FakeModel model = new FakeModel();

    @Test
    void scoresAllValidRequestsOfABatchInOneModelCallBoundedByMaxBatch() {
        BatchScorer scorer = scorer(2, FailureInjector.NONE);

        BatchScorer.Result result = scorer.score(IntStream.range(0, 5).mapToObj(i -> request("r" + i, 0.1 * i, NOW_MS + 1_000)).toList());

        assertThat(model.calls).containsExactly(2, 2, 1);
        assertThat(result.scores()).extracting(ModelScore::requestId).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(result.scores()).extracting(ModelScore::batchSize).containsExactly(2, 2, 2, 2, 1);
        assertThat(result.calls()).extracting(BatchScorer.Call::batchSize).containsExactly(2, 2, 1);
        assertThat(result.scores().get(3).output().get("output").get(0).floatValue()).isEqualTo(0.3f);
    }

    @Test
    void addsTheArgmaxLabelWhenTheManifestNamesLabels() {
        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(
                request("low", 0.2, NOW_MS + 1_000), request("high", 0.9, NOW_MS + 1_000))).scores();

        assertThat(scores.get(0).output().get("label").asText()).isEqualTo("legit");
        assertThat(scores.get(1).output().get("label").asText()).isEqualTo("fraud");
        assertThat(scores.get(0).role()).isEqualTo(ModelRole.CANARY);
        assertThat(scores.get(0).modelRef().toString()).isEqualTo("fraud-lr@2");
        assertThat(scores).extracting(ModelScore::artifactSha256).containsOnly("0".repeat(64));
    }

    @Test
    void answersExpiredRequestsWithoutScoringThem() {
        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(
                request("late", 0.5, NOW_MS - 5), request("fine", 0.5, NOW_MS + 1_000))).scores();

        assertThat(model.calls).containsExactly(1);
        assertThat(scores.get(0).error().code()).isEqualTo(ScoreError.EXPIRED_BEFORE_START);
        assertThat(scores.get(0).error().message()).contains("5 ms before scoring");
        assertThat(scores.get(0).batchSize()).isZero();
        assertThat(scores.get(1).output()).isNotNull();
    }

    @Test
    void answersInvalidInputWithAnErrorNamingTheFeatureAndScoresTheRest() {
        ScoringRequest missing = new ScoringRequest("bad", "fraud", JsonCodec.mapper().createObjectNode().put("other", 1),
                null, NOW_MS - 3, NOW_MS + 1_000, null, null);

        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(missing, request("ok", 0.5, NOW_MS + 1_000))).scores();

        assertThat(scores.get(0).error()).isEqualTo(new ScoreError(ScoreError.INVALID_INPUT,
                "feature 'amount' is missing; this model needs [amount, hour]"));
        assertThat(scores.get(1).output()).isNotNull();
        assertThat(model.calls).containsExactly(1);
    }

    @Test
    void reportsInjectedFailuresAsModelFailures() {
        List<ModelScore> scores = scorer(64, FailureInjector.featureAbove("amount", 0.6)).score(List.of(
                request("big", 0.7, NOW_MS + 1_000), request("small", 0.5, NOW_MS + 1_000))).scores();

        assertThat(scores.get(0).error().code()).isEqualTo(ScoreError.MODEL_FAILURE);
        assertThat(scores.get(0).error().message()).contains("'amount'", "above 0.6");
        assertThat(scores.get(1).output()).isNotNull();
    }

    @Test
    void reportsAFailingModelCallToEveryRequestInItInsteadOfThrowing() {
        model.failing = true;

        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(
                request("a", 0.1, NOW_MS + 1_000), request("b", 0.2, NOW_MS + 1_000))).scores();

        assertThat(scores).allSatisfy(score -> assertThat(score.error())
                .isEqualTo(new ScoreError(ScoreError.MODEL_FAILURE, "the model broke")));
        assertThat(scores).extracting(ModelScore::batchSize).containsOnly(2);
    }

    @Test
    void answersEveryRequestOfACallThatTimedOutWithCallTimeoutStackedOrNot() {
        model.timingOut = true;
        List<ScoringRequest> requests = List.of(request("a", 0.1, NOW_MS + 1_000), request("b", 0.2, NOW_MS + 1_000));

        List<ModelScore> stacked = scorer(64, FailureInjector.NONE).score(requests).scores();
        model.batchDim = 1;
        List<ModelScore> oneByOne = scorer(64, FailureInjector.NONE).score(requests).scores();

        assertThat(model.calls).containsExactly(2, 1, 1);
        assertThat(stacked).extracting(ModelScore::batchSize).containsOnly(2);
        assertThat(List.of(stacked, oneByOne)).allSatisfy(scores -> assertThat(scores).extracting(ModelScore::error).containsOnly(
                new ScoreError(ScoreError.CALL_TIMEOUT, "the model call did not return within callTimeoutMs (5 ms)")));
    }

    @Test
    void measuresQueueWaitFromTheRequestsReceiptAndNeverNegative() {
        ScoringRequest waited = new ScoringRequest("w", "fraud", features(0.1), null, NOW_MS - 7, NOW_MS + 1_000, null, null);
        ScoringRequest future = new ScoringRequest("f", "fraud", features(0.1), null, NOW_MS + 50, NOW_MS + 1_000, null, null);

        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(waited, future)).scores();

        assertThat(scores.get(0).queueWaitMicros()).isEqualTo(7_000);
        assertThat(scores.get(1).queueWaitMicros()).isZero();
        assertThat(scores.get(0).scoredAtMs()).isEqualTo(NOW_MS);
    }

    @Test
    void stacksTensorRequestsOfSeveralRowsIntoOneCallAndSplitsTheOutputsBackAsOipTensors() {
        ScoringRequest two = tensorRequest("two", "[[0.1, 5], [0.2, 6]]", 2);
        ScoringRequest one = tensorRequest("one", "[0.3, 7]", 1);
        ScoringRequest features = request("features", 0.4, NOW_MS + 1_000);

        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(two, one, features)).scores();

        assertThat(model.calls).containsExactly(4);
        assertThat(scores).extracting(ModelScore::batchSize).containsOnly(3);
        assertThat(scores.get(0).output().toString()).isEqualTo(
                "{\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[0.1,0.9,0.2,0.8]}]}");
        assertThat(scores.get(1).output().toString()).isEqualTo(
                "{\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[0.3,0.7]}]}");
        assertThat(scores.get(2).output().toString()).isEqualTo("{\"output\":[0.4,0.6],\"label\":\"legit\"}");
    }

    @Test
    void scoresEachRequestInItsOwnCallWhenTheModelsFirstDimensionIsFixed() {
        model.batchDim = 1;

        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(
                request("a", 0.1, NOW_MS + 1_000), request("b", 0.2, NOW_MS + 1_000), tensorRequest("c", "[[0.3, 1]]", 1))).scores();

        assertThat(model.calls).containsExactly(1, 1, 1);
        assertThat(scores).extracting(ModelScore::batchSize).containsOnly(1);
        assertThat(scores.get(1).output().get("output").get(0).floatValue()).isEqualTo(0.2f);
    }

    @Test
    void answersAShapeMismatchWithInvalidInputAndScoresTheRest() {
        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(
                tensorRequest("wide", "[[1, 2, 3]]", List.of(1L, 3L)), request("ok", 0.5, NOW_MS + 1_000))).scores();

        assertThat(scores.get(0).error()).isEqualTo(new ScoreError(ScoreError.INVALID_INPUT,
                "input 'input' has shape [1, 3]; the model expects [-1, 2] (-1: any size)"));
        assertThat(scores.get(1).output()).isNotNull();
    }

    @Test
    void failsTheBatchWhenTheModelDoesNotReturnOneRowPerInputRow() {
        model.dropLastRow = true;

        List<ModelScore> scores = scorer(64, FailureInjector.NONE).score(List.of(
                request("a", 0.1, NOW_MS + 1_000), request("b", 0.2, NOW_MS + 1_000))).scores();

        assertThat(scores).allSatisfy(score -> assertThat(score.error().message())
                .isEqualTo("output 'output' is FP32 [1, 2] for a batch of 2 rows; stacked requests need one output row per input row"));
    }

    @Test
    void refusesAFeatureMappingThatDoesNotFitTheModel() {
        model.batchDim = 7;

        assertThatThrownBy(() -> scorer(64, FailureInjector.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input.tensor 'input' has shape [7, 2]");
    }

    @Test
    void aManifestThatForbidsBatchingNeverPutsTwoRequestsInOneCall() {
        BatchScorer scorer = scorer(Batching.never(), FailureInjector.NONE);

        BatchScorer.Result result = scorer.score(IntStream.range(0, 5).mapToObj(i -> request("r" + i, i, NOW_MS + 1_000)).toList());

        assertThat(model.calls).containsExactly(1, 1, 1, 1, 1);
        assertThat(result.scores()).allSatisfy(score -> {
            assertThat(score.batchSize()).isEqualTo(1);
            assertThat(score.batchPosition()).isZero();
        });
        assertThat(result.scores()).extracting(ModelScore::batchId).doesNotHaveDuplicates();
    }

    @Test
    void everyScoreNamesItsModelCallAndItsPlaceInIt() {
        BatchScorer scorer = scorer(3, FailureInjector.NONE);

        // Chunks of at most 3: (a, b, expired) and (c, d); the expired request makes no call and has no batch.
        List<ModelScore> scores = scorer.score(List.of(request("a", 1, NOW_MS + 1_000), request("b", 2, NOW_MS + 1_000),
                request("expired", 3, NOW_MS - 1), request("c", 4, NOW_MS + 1_000), request("d", 5, NOW_MS + 1_000))).scores();

        assertThat(model.calls).containsExactly(2, 2);
        assertThat(scores.get(0).batchId()).isEqualTo(scores.get(1).batchId()).isNotEqualTo(scores.get(3).batchId());
        assertThat(scores.get(3).batchId()).isEqualTo(scores.get(4).batchId());
        assertThat(scores).extracting(ModelScore::batchPosition).containsExactly(0, 1, null, 0, 1);
        assertThat(scores).extracting(ModelScore::batchSize).containsExactly(2, 2, 0, 2, 2);
        assertThat(scores.get(2).batchId()).isNull();
        // The record round-trips with its batch (the protocol validates id and position).
        ModelScore decoded = JsonCodec.decode(JsonCodec.encode(scores.get(1)), ModelScore.class);
        assertThat(decoded.batchId()).isEqualTo(scores.get(1).batchId());
        assertThat(decoded.batchPosition()).isEqualTo(1);
    }

    @Test
    void twoScorersNeverHandOutTheSameBatchId() {
        ModelScore first = scorer(8, FailureInjector.NONE).score(List.of(request("a", 1, NOW_MS + 1_000))).scores().get(0);
        ModelScore second = scorer(8, FailureInjector.NONE).score(List.of(request("a", 1, NOW_MS + 1_000))).scores().get(0);

        assertThat(first.batchId()).isNotEqualTo(second.batchId());
    }

    private static ScoringRequest tensorRequest(String id, String data, long rows) {
        return tensorRequest(id, data, List.of(rows, 2L));
    }

    private static ScoringRequest tensorRequest(String id, String data, List<Long> shape) {
        try {
            Tensor tensor = new Tensor("input", "FP32", shape, JsonCodec.mapper().readTree(data));
            return new ScoringRequest(id, "fraud", null, List.of(tensor), NOW_MS - 10_000, NOW_MS + 1_000, null, null);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private BatchScorer scorer(int maxBatch, FailureInjector failures) {
        return scorer(new Batching(maxBatch, 0), failures);
    }

    private BatchScorer scorer(Batching batching, FailureInjector failures) {
        ModelManifest manifest = new ModelManifest("fraud", "fraud-lr", "2", ModelRole.CANARY, ModelRuntime.ONNX,
                Path.of("m.onnx"), "0".repeat(64), null, null, null, new InputMapping("input", List.of("amount", "hour")),
                new OutputMapping(null, List.of("fraud", "legit")), batching, null, Lineage.unknown());
        return new BatchScorer(manifest, model, failures, CLOCK);
    }

    private static ScoringRequest request(String id, double amount, long deadlineAtMs) {
        return new ScoringRequest(id, "fraud", features(amount), null, NOW_MS - 10_000, deadlineAtMs, null, null);
    }

    private static ObjectNode features(double amount) {
        return JsonCodec.mapper().createObjectNode().put("amount", amount).put("hour", 3);
    }
}
