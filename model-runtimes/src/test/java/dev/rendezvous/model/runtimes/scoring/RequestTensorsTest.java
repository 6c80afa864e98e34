package dev.rendezvous.model.runtimes.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.InputMapping;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestTensorsTest {
    private static final Signature ONE_INPUT = new Signature(List.of(TensorSpec.of("input", DataType.FP32, -1, 3)),
            List.of(TensorSpec.of("output", DataType.FP32, -1, 2)));
    private static final Signature SEVERAL_INPUTS = new Signature(List.of(
            TensorSpec.of("a", DataType.FP32, -1, 3), TensorSpec.of("ids", DataType.INT64, -1), TensorSpec.of("flags", DataType.BOOL, -1, 2, 2),
            TensorSpec.of("text", DataType.STRING, -1)),
            List.of(TensorSpec.of("out", DataType.FP64, -1, 4, 4)));

    private final RequestTensors features = new RequestTensors(ONE_INPUT, new InputMapping("input", List.of("amount", "hour", "merchantRisk")), true);
    private final RequestTensors tensors = new RequestTensors(SEVERAL_INPUTS, null, true);

    @Test
    void putsFeaturesInTheManifestsColumnOrderAndIgnoresExtraOnes() throws Exception {
        RequestTensors.Prepared prepared = features.prepare(featureRequest("{\"merchantRisk\": 0.5, \"extra\": \"ignored\", \"hour\": 3, \"amount\": 912.4}"));

        assertThat(prepared.form()).isEqualTo(RequestTensors.Form.FEATURES);
        assertThat(prepared.inputs().get("input")).isEqualTo(TensorValue.of(new float[] {912.4f, 3f, 0.5f}, 1, 3));
        assertThat(prepared.rows()).isEqualTo(1);
        assertThat(prepared.stackKey()).isNotNull();
    }

    @Test
    void fillsAnFp64OrInt64InputFromFeatures() throws Exception {
        Signature int64 = new Signature(List.of(TensorSpec.of("x", DataType.INT64, -1, 2)), List.of(TensorSpec.of("y", DataType.INT64, -1, 2)));
        RequestTensors prepare = new RequestTensors(int64, new InputMapping("x", List.of("a", "b")), true);

        assertThat(prepare.prepare(featureRequest("{\"a\": 9007199254740993, \"b\": -2}")).inputs().get("x"))
                .isEqualTo(TensorValue.of(new long[] {9007199254740993L, -2}, 1, 2));
        assertThatThrownBy(() -> prepare.prepare(featureRequest("{\"a\": 1.5, \"b\": 2}"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("feature 'a' is 1.5; input 'x' is INT64, so expected a whole number");
    }

    static Stream<Arguments> invalidFeatures() {
        return Stream.of(
                Arguments.of("{\"amount\": 1, \"hour\": 2}", "feature 'merchantRisk' is missing; this model needs [amount, hour, merchantRisk]"),
                Arguments.of("{\"amount\": \"12\", \"hour\": 2, \"merchantRisk\": 0.1}", "feature 'amount' is \"12\" (string); expected a number"),
                Arguments.of("{\"amount\": 1, \"hour\": true, \"merchantRisk\": 0.1}", "feature 'hour' is true (boolean); expected a number"),
                Arguments.of("{\"amount\": 1, \"hour\": null, \"merchantRisk\": 0.1}", "feature 'hour' is null (null); expected a number"),
                Arguments.of("{\"amount\": 1, \"hour\": [2], \"merchantRisk\": 0.1}", "feature 'hour' is [2] (array); expected a number"),
                Arguments.of("{\"amount\": 1e300, \"hour\": 2, \"merchantRisk\": 0.1}", "feature 'amount' is 1.0E300; expected a number within FP32 range"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFeatures")
    void refusesAFeatureItCannotUseNamingIt(String json, String message) {
        assertThatThrownBy(() -> features.prepare(featureRequest(json))).isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    @Test
    void refusesFeaturesForAModelThatTakesTensorsOnly() {
        assertThatThrownBy(() -> tensors.prepare(featureRequest("{\"a\": 1}"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("this model takes tensors, not named features: send 'inputs' with a FP32 [-1, 3], ids INT64 [-1], "
                        + "flags BOOL [-1, 2, 2], text STRING [-1]");
    }

    @Test
    void decodesSeveralTensorsOfEveryKindNestedOrFlat() throws Exception {
        RequestTensors.Prepared prepared = tensors.prepare(tensorRequest(validTensors(2)));

        assertThat(prepared.form()).isEqualTo(RequestTensors.Form.TENSORS);
        assertThat(prepared.inputs().keySet()).containsExactly("a", "ids", "flags", "text");
        assertThat(prepared.inputs().get("a")).isEqualTo(TensorValue.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertThat(prepared.inputs().get("ids")).isEqualTo(TensorValue.of(new long[] {7, -8}, 2));
        assertThat(prepared.inputs().get("flags")).isEqualTo(TensorValue.of(new boolean[] {true, false, false, true, true, true, false, false}, 2, 2, 2));
        assertThat(prepared.inputs().get("text")).isEqualTo(TensorValue.of(new String[] {"x", "ÿ"}, 2));
        assertThat(prepared.rows()).isEqualTo(2);
    }

    @Test
    void stacksRequestsOnlyWhenTheirShapesAgreeBeyondTheFirstDimension() throws Exception {
        String one = tensors.prepare(tensorRequest(validTensors(1))).stackKey();
        String two = tensors.prepare(tensorRequest(validTensors(2))).stackKey();
        RequestTensors anyWidth = new RequestTensors(new Signature(List.of(TensorSpec.of("x", DataType.FP32, -1, -1)),
                List.of(TensorSpec.of("y", DataType.FP32, -1, -1))), null, true);

        assertThat(one).isNotNull().isEqualTo(two);
        assertThat(anyWidth.prepare(tensorRequest(List.of(tensor("x", "FP32", List.of(1L, 2L), "[1, 2]")))).stackKey())
                .isNotEqualTo(anyWidth.prepare(tensorRequest(List.of(tensor("x", "FP32", List.of(1L, 3L), "[1, 2, 3]")))).stackKey());
        assertThat(new RequestTensors(SEVERAL_INPUTS, null, false).prepare(tensorRequest(validTensors(1))).stackKey()).isNull();
    }

    static Stream<Arguments> mismatchedTensors() {
        return Stream.of(
                Arguments.of("wrong datatype", replace(0, tensor("a", "FP64", List.of(1L, 3L), "[1, 2, 3]")),
                        "input 'a' has datatype FP64; the model expects FP32 (shape [-1, 3])"),
                Arguments.of("wrong width", replace(0, tensor("a", "FP32", List.of(1L, 4L), "[1, 2, 3, 4]")),
                        "input 'a' has shape [1, 4]; the model expects [-1, 3] (-1: any size)"),
                Arguments.of("wrong rank", replace(1, tensor("ids", "INT64", List.of(1L, 1L), "[[7]]")),
                        "input 'ids' has shape [1, 1]; the model expects [-1] (-1: any size)"),
                Arguments.of("too few values", replace(0, tensor("a", "FP32", List.of(1L, 3L), "[1, 2]")),
                        "tensor 'a' has 2 values in 'data'; shape [1, 3] needs 3"),
                Arguments.of("nesting disagrees with shape", replace(2, tensor("flags", "BOOL", List.of(1L, 2L, 2L), "[[[true], [false, true]]]")),
                        "tensor 'flags': nested 'data' does not match shape [1, 2, 2] at dimension 2 (expected 2 entries, got 1)"),
                Arguments.of("fraction for INT64", replace(1, tensor("ids", "INT64", List.of(1L), "[1.5]")),
                        "tensor 'ids' value 0 is 1.5 (number); INT64 needs a whole number within INT64 range"),
                Arguments.of("number for BOOL", replace(2, tensor("flags", "BOOL", List.of(1L, 2L, 2L), "[1, 0, 1, 0]")),
                        "tensor 'flags' value 0 is 1 (number); BOOL needs true or false"),
                Arguments.of("number for STRING", replace(3, tensor("text", "STRING", List.of(1L), "[5]")),
                        "tensor 'text' value 0 is 5 (number); STRING needs a string"),
                Arguments.of("string for FP32", replace(0, tensor("a", "FP32", List.of(1L, 3L), "[1, \"2\", 3]")),
                        "tensor 'a' value 1 is \"2\" (string); FP32 needs a number"),
                Arguments.of("missing input", List.of(tensor("a", "FP32", List.of(1L, 3L), "[1, 2, 3]")),
                        "input 'ids' is missing; this model takes a FP32 [-1, 3], ids INT64 [-1], flags BOOL [-1, 2, 2], text STRING [-1]"),
                Arguments.of("unknown input", append(tensor("extra", "FP32", List.of(1L), "[1]")),
                        "input 'extra' is not an input of this model; it takes a FP32 [-1, 3], ids INT64 [-1], flags BOOL [-1, 2, 2], text STRING [-1]"),
                Arguments.of("input twice", append(tensor("a", "FP32", List.of(1L, 3L), "[1, 2, 3]")),
                        "input 'a' is given twice"),
                Arguments.of("negative dimension", replace(1, tensor("ids", "INT64", List.of(-1L), "[]")),
                        "tensor 'ids' has shape [-1]; every dimension must be 0 or more"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatchedTensors")
    void refusesATensorThatDoesNotFitNamingTheInputTheExpectedAndTheGiven(String description, List<Tensor> inputs, String message) {
        assertThatThrownBy(() -> tensors.prepare(tensorRequest(inputs))).isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    private static List<Tensor> validTensors(int rows) {
        List<Tensor> list = new ArrayList<>();
        list.add(rows == 2 ? tensor("a", "FP32", List.of(2L, 3L), "[[1, 2, 3], [4, 5, 6]]") : tensor("a", "fp32", List.of(1L, 3L), "[1, 2, 3]"));
        list.add(rows == 2 ? tensor("ids", "INT64", List.of(2L), "[7, -8]") : tensor("ids", "INT64", List.of(1L), "[7]"));
        list.add(rows == 2 ? tensor("flags", "BOOL", List.of(2L, 2L, 2L), "[true, false, false, true, true, true, false, false]")
                : tensor("flags", "BOOL", List.of(1L, 2L, 2L), "[[[true, false], [false, true]]]"));
        list.add(rows == 2 ? tensor("text", "STRING", List.of(2L), "[\"x\", \"ÿ\"]") : tensor("text", "STRING", List.of(1L), "[\"x\"]"));
        return list;
    }

    private static List<Tensor> replace(int index, Tensor tensor) {
        List<Tensor> list = validTensors(1);
        list.set(index, tensor);
        return list;
    }

    private static List<Tensor> append(Tensor tensor) {
        List<Tensor> list = validTensors(1);
        list.add(tensor);
        return list;
    }

    static Tensor tensor(String name, String datatype, List<Long> shape, String data) {
        try {
            return new Tensor(name, datatype, shape, JsonCodec.mapper().readTree(data));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ScoringRequest featureRequest(String features) throws Exception {
        return new ScoringRequest("r-1", "fraud", JsonCodec.mapper().readTree(features), null, 1_000, 2_000, null, null);
    }

    private static ScoringRequest tensorRequest(List<Tensor> inputs) {
        return new ScoringRequest("r-1", "fraud", null, inputs, 1_000, 2_000, null, null);
    }
}
