package dev.rendezvous.model.runtimes.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.ModelRuntimes;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteOipModelTest {
    private static TestOipServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestOipServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void forwardsEachRequestWithItsRemainingDeadlineInMicrosecondsAndMapsTheOutputsBack() throws Exception {
        ModelManifest manifest = manifest(TestOipServer.MODEL, "input: { tensor: x, features: [a, b] }\n");
        long now = System.currentTimeMillis();
        ScoringRequest features = new ScoringRequest("f", "fraud", JsonCodec.mapper().readTree("{\"a\": 1.5, \"b\": -2}"), null, now, now + 5_000, null, null);
        ScoringRequest tensors = tensorRequest("t", "[[1, 2], [3, 4]]", 2, 5_000);

        BatchScorer.Result result;
        try (BatchModel model = ModelRuntimes.load(manifest)) {
            assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("x", DataType.FP32, -1, 2));
            result = new BatchScorer(manifest, model, FailureInjector.NONE, Clock.systemUTC()).score(List.of(features, tensors));
        }

        assertThat(result.calls()).hasSize(2);
        assertThat(result.scores().get(0).output().toString()).isEqualTo("{\"y\":[3.0,-4.0]}");
        assertThat(result.scores().get(1).output().toString()).isEqualTo(
                "{\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[2.0,4.0,6.0,8.0]}]}");
        JsonNode sent = server.received.stream().filter(body -> body.get("inputs").get(0).get("shape").get(0).asInt() == 2).findFirst().orElseThrow();
        assertThat(sent.get("inputs").get(0).get("name").asText()).isEqualTo("x");
        assertThat(sent.get("parameters").get("timeout").asLong()).isBetween(1L, 5_000_000L).isGreaterThan(1_000_000L);
    }

    @Test
    void answersServerErrorsAndTimeoutsWithModelFailuresWithoutHoldingUpTheOtherRequests() throws Exception {
        ModelManifest manifest = manifest(TestOipServer.MODEL, "");

        List<ModelScore> scores;
        try (BatchModel model = ModelRuntimes.load(manifest)) {
            scores = new BatchScorer(manifest, model, FailureInjector.NONE, Clock.systemUTC()).score(List.of(
                    tensorRequest("refused", "[99, 1]", 1, 5_000),
                    tensorRequest("slow", "[77, 1]", 1, 300),
                    tensorRequest("fine", "[1, 1]", 1, 5_000))).scores();
        }

        assertThat(scores.get(0).error()).isEqualTo(new ScoreError(ScoreError.MODEL_FAILURE,
                "the remote model server answered 400 to POST " + server.url() + "/v2/models/scaler/infer: x must not start with 99"));
        assertThat(scores.get(1).error().code()).isEqualTo(ScoreError.MODEL_FAILURE);
        assertThat(scores.get(1).error().message()).contains("did not answer", "ms left until the deadline");
        assertThat(scores.get(2).output().get("outputs").get(0).get("data").toString()).isEqualTo("[2.0,2.0]");
    }

    @Test
    void refusesToLoadAModelTheServerDoesNotKnow() {
        assertThatThrownBy(() -> ModelRuntimes.load(manifest("nope", ""))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("GET " + server.url() + "/v2/models/nope answered 404: no model at /v2/models/nope");
    }

    @Test
    void refusesToLoadWhenNoServerAnswers() {
        ModelManifest manifest = manifest("http://127.0.0.1:1", TestOipServer.MODEL, "");

        assertThatThrownBy(() -> ModelRuntimes.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot read the model's metadata from GET http://127.0.0.1:1/v2/models/scaler");
    }

    private ModelManifest manifest(String model, String extraYaml) {
        return manifest(server.url().toString(), model, extraYaml);
    }

    private ModelManifest manifest(String url, String model, String extraYaml) {
        try {
            Path file = dir.resolve("remote.yaml");
            Files.writeString(file, """
                    app: fraud
                    name: remote
                    version: "1"
                    runtime: remote-oip
                    url: %s
                    model: %s
                    """.formatted(url, model) + extraYaml);
            return ModelManifest.load(file);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ScoringRequest tensorRequest(String id, String data, long rows, long budgetMs) throws Exception {
        long now = System.currentTimeMillis();
        Tensor x = new Tensor("x", "FP32", List.of(rows, 2L), JsonCodec.mapper().readTree(data));
        return new ScoringRequest(id, "fraud", null, List.of(x), now, now + budgetMs, null, null);
    }
}
