package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.Tensor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests checked against a model's declared input signature: which ones fit, and what the refusal names. */
class InputSignaturesTest {
    private static final JsonNode SIGNATURE = json("""
            {"inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 3]}, {"name": "ids", "datatype": "INT64", "shape": [-1, 2]}],
             "outputs": [{"name": "output", "datatype": "FP32", "shape": [-1, 2]}],
             "features": [{"name": "amount", "datatype": "FP32"}, {"name": "hour", "datatype": "FP32"}, {"name": "count", "datatype": "INT64"}]}
            """);
    private static final ModelRegistration MODEL = new ModelRegistration("fraud", "fraud-fm", "1", ModelRole.LIVE, "onnx", "00", SIGNATURE,
            null, 0L);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "all numbers                | {\"amount\": 1.5, \"hour\": 3, \"count\": 7}                 | ~~                     | ~~",
            "extra features are ignored | {\"amount\": 1.5, \"hour\": 3, \"count\": 7, \"x\": \"y\"}   | ~~                     | ~~",
            "a string                   | {\"amount\": \"12\", \"hour\": 3, \"count\": 7}              | body.features.amount   | feature 'amount' is \"12\" (string); model fraud-fm@1 takes a number (FP32)",
            "null                       | {\"amount\": 1, \"hour\": null, \"count\": 7}                | body.features.hour     | feature 'hour' is null (null)",
            "an object                  | {\"amount\": {\"v\": 1}, \"hour\": 3, \"count\": 7}           | body.features.amount   | (object); model fraud-fm@1 takes a number",
            "a boolean                  | {\"amount\": true, \"hour\": 3, \"count\": 7}                | body.features.amount   | (boolean)",
            "missing                    | {\"amount\": 1, \"count\": 7}                                | body.features.hour     | feature 'hour' is missing; model fraud-fm@1 needs [amount, hour, count]",
            "fraction for INT64         | {\"amount\": 1, \"hour\": 3, \"count\": 7.5}                 | body.features.count    | takes a whole number (INT64)",
            "beyond FP32                | {\"amount\": 1e39, \"hour\": 3, \"count\": 7}                | body.features.amount   | takes a number (FP32)"})
    void checksNamedFeaturesAgainstTheDeclaredFeatures(String name, String features, String where, String messagePart) {
        Optional<ApiError> problem = InputSignatures.featureProblem(MODEL, SIGNATURE.get("features"), json(features));

        if (where == null || where.isEmpty()) {
            assertThat(problem).isEmpty();
        } else {
            assertThat(problem).hasValueSatisfying(error -> {
                assertThat(error.status()).isEqualTo(400);
                assertThat(error.where()).isEqualTo(where);
                assertThat(error.getMessage()).contains(messagePart);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "fits                  | input FP32 2,3 ; ids INT64 2,2  | ~~                      | ~~",
            "unknown input         | inputs FP32 2,3 ; ids INT64 2,2 | body.inputs[0].name     | model fraud-fm@1 has no input 'inputs'",
            "wrong datatype        | input FP64 2,3 ; ids INT64 2,2  | body.inputs[0].datatype | input 'input' is FP64; model fraud-fm@1 takes FP32",
            "wrong fixed dimension | input FP32 2,4 ; ids INT64 2,2  | body.inputs[0].shape    | input 'input' has shape [2, 4]; model fraud-fm@1 takes [-1,3]",
            "wrong rank            | input FP32 6 ; ids INT64 2,2    | body.inputs[0].shape    | has shape [6]",
            "missing input         | input FP32 2,3                  | body.inputs             | input 'ids' is missing"})
    void checksTensorsAgainstTheDeclaredInputs(String name, String tensors, String where, String messagePart) {
        List<Tensor> inputs = java.util.Arrays.stream(tensors.split(";")).map(String::trim).map(InputSignaturesTest::tensor).toList();

        Optional<ApiError> problem = InputSignatures.tensorProblem(MODEL, SIGNATURE.get("inputs"), inputs);

        if (where == null || where.isEmpty()) {
            assertThat(problem).isEmpty();
        } else {
            assertThat(problem).hasValueSatisfying(error -> {
                assertThat(error.where()).isEqualTo(where);
                assertThat(error.getMessage()).contains(messagePart);
            });
        }
    }

    /** {@code name DATATYPE d0,d1} with zeros as data. */
    private static Tensor tensor(String text) {
        String[] parts = text.split(" ");
        List<Long> shape = java.util.Arrays.stream(parts[2].split(",")).map(Long::valueOf).toList();
        long elements = shape.stream().reduce(1L, (a, b) -> a * b);
        var data = JsonCodec.mapper().createArrayNode();
        for (long i = 0; i < elements; i++) {
            data.add(0);
        }
        return new Tensor(parts[0], parts[1], shape, data);
    }

    private static JsonNode json(String text) {
        try {
            return JsonCodec.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
