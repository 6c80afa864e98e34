package dev.rendezvous.runner.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.runner.DemoManifests;
import dev.rendezvous.runner.manifest.InputMapping;
import dev.rendezvous.runner.manifest.ModelManifest;
import dev.rendezvous.runner.manifest.OutputMapping;
import dev.rendezvous.runner.scoring.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxModelTest {
    private static final List<Map<String, Number>> SAMPLES = DemoModels.sampleFeatures(5, 12);

    @ParameterizedTest
    @ValueSource(strings = {"fraud-fm-1", "fraud-lr-1", "fraud-lr-2"})
    void scoresABatchExactlyLikeOnnxRuntimeCalledDirectly(String model) throws Exception {
        ModelManifest manifest = DemoManifests.load(model);
        try (OnnxModel onnx = OnnxModel.load(manifest); DirectOnnx direct = new DirectOnnx(manifest)) {
            List<ObjectNode> outputs = onnx.score(rows(manifest, SAMPLES));
            float[][] expected = direct.score(SAMPLES);

            assertThat(outputs).hasSize(SAMPLES.size());
            for (int i = 0; i < SAMPLES.size(); i++) {
                assertThat(floats(outputs.get(i).get("output"))).as("row %d", i).containsExactly(expected[i]);
            }
        }
    }

    @Test
    void scoresEachRowAloneAsItScoresItInABatch() throws Exception {
        ModelManifest manifest = DemoManifests.fm();
        try (OnnxModel onnx = OnnxModel.load(manifest)) {
            List<ObjectNode> batch = onnx.score(rows(manifest, SAMPLES));
            for (int i = 0; i < SAMPLES.size(); i++) {
                List<ObjectNode> single = onnx.score(rows(manifest, List.of(SAMPLES.get(i))));
                assertThat(floats(single.get(0).get("output"))).containsExactly(floats(batch.get(i).get("output")));
            }
        }
    }

    @Test
    void namesTheModelsOutputs() {
        try (OnnxModel onnx = OnnxModel.load(DemoManifests.lr())) {
            assertThat(onnx.outputNames()).containsExactly("output");
        }
    }

    @Test
    void refusesAnInputTensorTheModelDoesNotHave() {
        ModelManifest manifest = withInput(DemoManifests.lr(), new InputMapping("features", DemoManifests.lr().input().features()));

        assertThatThrownBy(() -> OnnxModel.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessage("model fraud-lr@1 (app fraud): input.tensor 'features' is not an input of the model; its inputs are [input]");
    }

    @Test
    void refusesAFeatureListOfTheWrongLength() {
        ModelManifest manifest = withInput(DemoManifests.lr(), new InputMapping("input", List.of("amount", "hour")));

        assertThatThrownBy(() -> OnnxModel.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("input.features lists 2 features but input 'input' has 5 columns");
    }

    @Test
    void refusesLabelsThatDoNotMatchTheOutputWidth() {
        ModelManifest lr = DemoManifests.lr();
        ModelManifest manifest = new ModelManifest(lr.app(), lr.name(), lr.version(), lr.role(), lr.runtime(), lr.artifact(), lr.sha256(),
                lr.input(), new OutputMapping("output", List.of("a", "b", "c")), lr.batching(), lr.lineage());

        assertThatThrownBy(() -> OnnxModel.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("output.labels lists 3 labels but output 'output' has 2 columns");
    }

    @Test
    void refusesAnArtifactThatChangedAfterTheManifestWasLoaded(@TempDir Path dir) throws Exception {
        ModelManifest original = DemoManifests.lr();
        Path copy = dir.resolve("copy.onnx");
        Files.copy(original.artifact(), copy);
        ModelManifest manifest = new ModelManifest(original.app(), original.name(), original.version(), original.role(), original.runtime(),
                copy, original.sha256(), original.input(), original.output(), original.batching(), original.lineage());
        Files.write(copy, Files.readAllBytes(DemoManifests.canary().artifact()));

        assertThatThrownBy(() -> OnnxModel.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has SHA-256 " + DemoManifests.canary().sha256())
                .hasMessageContaining("the manifest's sha256 is " + original.sha256());
    }

    static float[][] rows(ModelManifest manifest, List<Map<String, Number>> samples) {
        List<String> columns = manifest.input().features();
        float[][] rows = new float[samples.size()][columns.size()];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < columns.size(); c++) {
                rows[i][c] = samples.get(i).get(columns.get(c)).floatValue();
            }
        }
        return rows;
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = array.get(j).floatValue();
        }
        return values;
    }

    private static ModelManifest withInput(ModelManifest m, InputMapping input) {
        return new ModelManifest(m.app(), m.name(), m.version(), m.role(), m.runtime(), m.artifact(), m.sha256(), input,
                m.output(), m.batching(), m.lineage());
    }
}
