package dev.rendezvous.model.runtimes.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.InputMapping;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.model.runtimes.DemoManifests;
import dev.rendezvous.model.runtimes.ModelRuntimes;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxModelTest {
    private static final List<Map<String, Number>> SAMPLES = DemoModels.sampleFeatures(5, 12);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fraud-fm-1", "fraud-lr-1", "fraud-lr-2"})
    void scoresATribuoExportExactlyLikeOnnxRuntimeCalledDirectly(String model) throws Exception {
        ModelManifest manifest = DemoManifests.load(model);
        try (OnnxModel onnx = OnnxModel.load(manifest); DirectOnnx direct = new DirectOnnx(manifest)) {
            Map<String, TensorValue> outputs = onnx.infer(Map.of("input", rows(manifest, SAMPLES)), Long.MAX_VALUE);
            float[][] expected = direct.score(SAMPLES);

            TensorValue output = outputs.get("output");
            assertThat(output.shape()).containsExactly(SAMPLES.size(), 2);
            for (int i = 0; i < SAMPLES.size(); i++) {
                assertThat(output.rows(i, i + 1).floats()).as("row %d", i).containsExactly(expected[i]);
            }
        }
    }

    @Test
    void readsTheSignatureOfATribuoExport() {
        try (OnnxModel onnx = OnnxModel.load(DemoManifests.lr())) {
            assertThat(onnx.signature().inputs()).containsExactly(TensorSpec.of("input", DataType.FP32, -1, 5));
            assertThat(onnx.signature().outputs()).containsExactly(TensorSpec.of("output", DataType.FP32, -1, 2));
        }
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void passesEveryElementTypeOfAnyRankThroughLikeOnnxRuntimeCalledDirectly(DataType type) throws Exception {
        ModelManifest manifest = OnnxGraphs.save(dir, "identity-" + type.name().toLowerCase(), OnnxGraphs.identity(type, -1, 2, 3), "");
        TensorValue input = sample(type, 2, 2, 3);
        try (OnnxModel onnx = OnnxModel.load(manifest); DirectOnnx direct = new DirectOnnx(manifest)) {
            assertThat(onnx.signature().inputs()).containsExactly(TensorSpec.of("x", type, -1, 2, 3));

            TensorValue output = onnx.infer(Map.of("x", input), Long.MAX_VALUE).get("y");

            assertThat(output).isEqualTo(input);
            Object expected = direct.run(Map.of("x", nested(input))).get("y");
            assertThat(flatten(output.data())).isEqualTo(flatten(expected));
        }
    }

    @Test
    void scoresAModelWithSeveralInputsAndMultiDimensionalOutputsLikeOnnxRuntimeCalledDirectly() throws Exception {
        ModelManifest manifest = OnnxGraphs.save(dir, "multi", OnnxGraphs.multiInput(), "");
        Map<String, TensorValue> inputs = new LinkedHashMap<>();
        inputs.put("a", TensorValue.of(new float[] {1, 2, 3, -1, 0.5f, 7}, 2, 3));
        inputs.put("b", TensorValue.of(new float[] {3, 2, 1, 4, 0.25f, -7}, 2, 3));
        inputs.put("counts", TensorValue.of(new long[] {1, Long.MAX_VALUE - 1, -5, 40}, 2, 2));
        try (OnnxModel onnx = OnnxModel.load(manifest); DirectOnnx direct = new DirectOnnx(manifest)) {
            Map<String, TensorValue> outputs = onnx.infer(inputs, Long.MAX_VALUE);
            Map<String, Object> nestedInputs = new LinkedHashMap<>();
            inputs.forEach((name, value) -> nestedInputs.put(name, nested(value)));
            Map<String, Object> expected = direct.run(nestedInputs);

            assertThat(onnx.signature().outputNames()).containsExactly("sum", "outer", "greater", "counts_out");
            assertThat(outputs.get("outer").shape()).containsExactly(2, 3, 3);
            assertThat(outputs.get("outer").floats()[5]).isEqualTo(2 * 1f);
            assertThat(outputs.get("greater").booleans()).containsExactly(false, false, true, false, true, true);
            assertThat(outputs.get("counts_out").longs()).containsExactly(2, Long.MAX_VALUE, -4, 41);
            for (String name : expected.keySet()) {
                assertThat(flatten(outputs.get(name).data())).as(name).isEqualTo(flatten(expected.get(name)));
            }
        }
    }

    @Test
    void refusesAnInputTensorTheModelDoesNotHave() {
        ModelManifest manifest = DemoManifests.lr().withInput(new InputMapping("features", DemoManifests.lr().input().features()));

        assertThatThrownBy(() -> ModelRuntimes.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessage("model fraud-lr@1 (app fraud): input.tensor 'features' is not an input of the model; its inputs are [input]");
    }

    @Test
    void refusesAFeatureListOfTheWrongLength() {
        ModelManifest manifest = DemoManifests.lr().withInput(new InputMapping("input", List.of("amount", "hour")));

        assertThatThrownBy(() -> ModelRuntimes.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("input.features lists 2 features but input 'input' has 5 columns");
    }

    @Test
    void refusesFeaturesForAModelWithSeveralInputs() throws Exception {
        ModelManifest manifest = OnnxGraphs.save(dir, "multi", OnnxGraphs.multiInput(), "input: { tensor: a, features: [x, y, z] }\n");

        assertThatThrownBy(() -> ModelRuntimes.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("the model has inputs [a, b, counts]", "takes tensors");
    }

    @Test
    void refusesLabelsThatDoNotMatchTheOutputWidth() {
        ModelManifest manifest = DemoManifests.lr().withOutput(new OutputMapping("output", List.of("a", "b", "c")));

        assertThatThrownBy(() -> ModelRuntimes.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("output.labels lists 3 labels but output 'output' has 2 columns");
    }

    @Test
    void refusesAnArtifactThatChangedAfterTheManifestWasLoaded() throws Exception {
        ModelManifest original = DemoManifests.lr();
        Path copy = dir.resolve("copy.onnx");
        Files.copy(original.artifact(), copy);
        ModelManifest manifest = original.withArtifact(copy);
        Files.write(copy, Files.readAllBytes(DemoManifests.canary().artifact()));

        assertThatThrownBy(() -> OnnxModel.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has SHA-256 " + DemoManifests.canary().sha256())
                .hasMessageContaining("the manifest's sha256 is " + original.sha256());
    }

    static TensorValue rows(ModelManifest manifest, List<Map<String, Number>> samples) {
        List<String> columns = manifest.input().features();
        float[] flat = new float[samples.size() * columns.size()];
        for (int i = 0; i < samples.size(); i++) {
            for (int c = 0; c < columns.size(); c++) {
                flat[i * columns.size() + c] = samples.get(i).get(columns.get(c)).floatValue();
            }
        }
        return TensorValue.of(flat, samples.size(), columns.size());
    }

    /** Distinct, type-typical values: negative numbers, extremes, empty and non-ASCII strings. */
    public static TensorValue sample(DataType type, long... shape) {
        int n = (int) TensorValue.elementCount(shape);
        Object data = Array.newInstance(type.elementClass(), n);
        for (int i = 0; i < n; i++) {
            Object value = switch (type) {
                case FP32 -> i == 1 ? Float.MAX_VALUE : (float) (i * 1.5 - 3);
                case FP64 -> i == 1 ? Double.MIN_VALUE : i * 1.25e100 - 2;
                case INT32 -> i == 1 ? Integer.MIN_VALUE : i * 7 - 10;
                case INT64 -> i == 1 ? Long.MAX_VALUE : i * 1_000_000_000_000L - 3;
                case BOOL -> i % 3 == 0;
                case STRING -> i == 1 ? "" : "wört-" + i;
            };
            Array.set(data, i, value);
        }
        return TensorValue.of(type, shape, data);
    }

    /** The flat values reshaped into nested Java arrays, as ONNX Runtime's createTensor(Object) takes them. */
    static Object nested(TensorValue value) {
        long[] shape = value.shape();
        int[] dims = new int[shape.length];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = (int) shape[d];
        }
        Object nested = Array.newInstance(value.type().elementClass(), dims);
        fill(nested, value.data(), new int[] {0});
        return nested;
    }

    private static void fill(Object nested, Object flat, int[] at) {
        for (int i = 0; i < Array.getLength(nested); i++) {
            Object element = Array.get(nested, i);
            if (element != null && element.getClass().isArray()) {
                fill(element, flat, at);
            } else {
                Array.set(nested, i, Array.get(flat, at[0]++));
            }
        }
    }

    static List<Object> flatten(Object array) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < Array.getLength(array); i++) {
            Object element = Array.get(array, i);
            if (element != null && element.getClass().isArray()) {
                values.addAll(flatten(element));
            } else {
                values.add(element);
            }
        }
        return values;
    }
}
