package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Tensor;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TensorValidatorTest {
    private final TensorValidator validator = new TensorValidator(100_000);

    @Test
    void flattensNestedDataRowMajorToTheSameTensorsAsFlatData() {
        List<Tensor> nested = parse(Fixtures.json("oip/infer-request-nested.json")).inputs();
        List<Tensor> flat = parse(Fixtures.json("oip/infer-request-flat.json")).inputs();

        assertThat(nested).isEqualTo(flat);
        assertThat(nested.get(0).shape()).containsExactly(2L, 2L);
        assertThat(nested.get(0).data().toString()).isEqualTo("[1,2,3,4]");
        assertThat(nested.get(1).datatype()).isEqualTo("BOOL");
    }

    @Test
    void refusesTheSpecificationsOwnExampleWhoseBoolTensorHoldsOneElementForShapeThree() {
        ApiError error = catchThrowableOfType(() -> parse(Fixtures.json("oip/infer-request-spec-example.json")), ApiError.class);

        assertThat(error.where()).isEqualTo("body.inputs[1].data");
        assertThat(error.getMessage()).contains("has 1 elements").contains("holds 3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "BOOL   | [true, false]",
            "UINT8  | [0, 255]",
            "UINT16 | [0, 65535]",
            "UINT32 | [0, 4294967295]",
            "UINT64 | [0, 18446744073709551615]",
            "INT8   | [-128, 127]",
            "INT16  | [-32768, 32767]",
            "INT32  | [-2147483648, 2147483647]",
            "INT64  | [-9223372036854775808, 9223372036854775807]",
            "FP16   | [-65504, 0.5]",
            "FP32   | [-3.4e38, 1]",
            "FP64   | [-1.7e308, 1e-300]",
            "BYTES  | [\"a\", \"\"]"})
    void acceptsTheExtremesOfEveryDatatype(String datatype, String data) {
        ObjectNode input = tensor(datatype, "[2]", data);

        Tensor tensor = validator.tensor(input, "body.inputs[0]");

        assertThat(tensor.datatype()).isEqualTo(datatype);
        assertThat(tensor.data().size()).isEqualTo(2);
    }

    @Test
    void acceptsAScalarShapeWithOneElementButRefusesAnEmptyDimension() {
        assertThat(validator.tensor(tensor("FP32", "[]", "[1.5]"), "in").data().size()).isEqualTo(1);
        assertThatThrownBy(() -> validator.tensor(tensor("FP32", "[0, 5]", "[]"), "in")).isInstanceOf(ApiError.class).hasMessageContaining("holds no elements");
    }

    static Stream<Arguments> invalidRequests() {
        JsonNode cases = Fixtures.json("oip/infer-invalid-requests.json");
        return StreamSupport.stream(cases.spliterator(), false)
                .filter(c -> !c.path("where").asText().equals("body.id")) // ids are resolved with the headers: see OipApiIT
                .map(c -> Arguments.of(c.path("name").asText(), c.path("body"), c.path("where").asText(), c.path("error").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void refusesEveryInvalidRequestOfTheFixtureSayingWhereAndWhat(String name, JsonNode body, String where, String error) {
        ApiError thrown = catchThrowableOfType(() -> parse(body), ApiError.class);

        assertThat(thrown).as(name).isNotNull();
        assertThat(thrown.status()).isEqualTo(400);
        assertThat(thrown.where()).isEqualTo(where);
        assertThat(thrown.getMessage()).contains(error);
    }

    @Test
    void refusesInputsHoldingMoreElementsTogetherThanTheLimit() {
        TensorValidator small = new TensorValidator(3);
        JsonNode inputs = JsonCodec.mapper().createArrayNode()
                .add(tensor("FP32", "[2]", "[1, 2]"))
                .add(tensor("FP32", "[2]", "[3, 4]").put("name", "y"));

        ApiError error = catchThrowableOfType(() -> small.inputs(inputs, "body.inputs"), ApiError.class);

        assertThat(error.getMessage()).contains("more than 3 elements");
    }

    private OipInferRequest parse(JsonNode body) {
        return OipInferRequest.parse((ObjectNode) body, validator);
    }

    private static ObjectNode tensor(String datatype, String shape, String data) {
        try {
            return (ObjectNode) JsonCodec.mapper().readTree(
                    "{\"name\": \"x\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": " + data + "}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
