package dev.rendezvous.model.runtimes.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.ModelRuntimes;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.model.runtimes.tensor.TensorJson;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Requests in the OIP tensor form, through the scorer and a real ONNX model, against ONNX Runtime called directly per request. */
class OnnxScoringTest {
    @TempDir
    Path dir;

    @Test
    void stacksTensorRequestsOfAMultiInputModelIntoOneCallWithOutputsEqualToEachRequestScoredDirectly() throws Exception {
        ModelManifest manifest = OnnxGraphs.save(dir, "multi", OnnxGraphs.multiInput(), "");
        List<Map<String, TensorValue>> inputs = List.of(
                multiInputs(new float[] {1, 2, 3}, new float[] {3, 2, 1}, new long[] {4, 5}, 1),
                multiInputs(new float[] {-1, 0.5f, 7, 8, 9, 10}, new float[] {4, 0.25f, -7, 8, 0, 11}, new long[] {-5, 40, 0, 1}, 2),
                multiInputs(new float[] {0, 0, 0}, new float[] {1, 1, 1}, new long[] {Long.MIN_VALUE, 0}, 1));
        List<ScoringRequest> requests = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            requests.add(request("r" + i, inputs.get(i), i == 1));
        }

        BatchScorer.Result result;
        try (BatchModel model = ModelRuntimes.load(manifest)) {
            result = new BatchScorer(manifest, model, FailureInjector.NONE, Clock.systemUTC()).score(requests);
        }

        assertThat(result.calls()).extracting(BatchScorer.Call::batchSize).containsExactly(3);
        try (DirectOnnx direct = new DirectOnnx(manifest)) {
            for (int i = 0; i < inputs.size(); i++) {
                ModelScore score = result.scores().get(i);
                assertThat(score.error()).isNull();
                Map<String, Object> nested = new LinkedHashMap<>();
                inputs.get(i).forEach((name, value) -> nested.put(name, OnnxModelTest.nested(value)));
                Map<String, Object> expected = direct.run(nested);
                JsonNode outputs = score.output().get("outputs");
                assertThat(outputs).hasSize(4);
                for (JsonNode output : outputs) {
                    TensorValue value = TensorJson.decode(JsonCodec.mapper().treeToValue(output, Tensor.class));
                    assertThat(OnnxModelTest.flatten(value.data())).as("request %d output %s", i, output.get("name"))
                            .isEqualTo(OnnxModelTest.flatten(expected.get(output.get("name").asText())));
                }
            }
        }
        assertThat(result.scores().get(1).output().get("outputs").get(1).get("shape").toString()).isEqualTo("[2,3,3]");
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void returnsEveryElementTypeInTheTensorFormAsItCame(DataType type) throws Exception {
        ModelManifest manifest = OnnxGraphs.save(dir, "identity", OnnxGraphs.identity(type, -1, 2, 3), "");
        TensorValue input = OnnxModelTest.sample(type, 1, 2, 3);
        ScoringRequest request = request("r", Map.of("x", input), true);

        ModelScore score;
        try (BatchModel model = ModelRuntimes.load(manifest)) {
            score = new BatchScorer(manifest, model, FailureInjector.NONE, Clock.systemUTC()).score(List.of(request)).scores().get(0);
        }

        JsonNode output = score.output().get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("y");
        assertThat(output.get("datatype").asText()).isEqualTo(type.oipName());
        assertThat(TensorJson.decode(JsonCodec.mapper().treeToValue(output, Tensor.class))).isEqualTo(input);
    }

    private static Map<String, TensorValue> multiInputs(float[] a, float[] b, long[] counts, int rows) {
        Map<String, TensorValue> inputs = new LinkedHashMap<>();
        inputs.put("a", TensorValue.of(a, rows, 3));
        inputs.put("b", TensorValue.of(b, rows, 3));
        inputs.put("counts", TensorValue.of(counts, rows, 2));
        return inputs;
    }

    /** A request carrying the inputs as OIP JSON, with flat or nested data. */
    private static ScoringRequest request(String id, Map<String, TensorValue> inputs, boolean nested) {
        List<Tensor> tensors = new ArrayList<>();
        inputs.forEach((name, value) -> {
            JsonNode data = nested ? TensorJson.nested(value, false) : TensorJson.encode(name, value).get("data");
            tensors.add(new Tensor(name, value.type().oipName(), value.shapeList(), data));
        });
        long now = System.currentTimeMillis();
        return new ScoringRequest(id, "test", null, tensors, now, now + 60_000, null, null);
    }
}
