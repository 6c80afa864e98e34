package dev.rendezvous.runner.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import dev.rendezvous.runner.manifest.InputMapping;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FeatureRowsTest {
    private final FeatureRows rows = new FeatureRows(new InputMapping("input", List.of("amount", "hour", "merchantRisk")));

    @Test
    void putsFeaturesInTheManifestsColumnOrderAndIgnoresExtraOnes() throws Exception {
        float[] row = rows.row(request("{\"merchantRisk\": 0.5, \"extra\": \"ignored\", \"hour\": 3, \"amount\": 912.4}"));

        assertThat(row).containsExactly(912.4f, 3f, 0.5f);
    }

    static Stream<Arguments> invalidFeatures() {
        return Stream.of(
                Arguments.of("{\"amount\": 1, \"hour\": 2}", "feature 'merchantRisk' is missing; this model needs [amount, hour, merchantRisk]"),
                Arguments.of("{\"amount\": \"12\", \"hour\": 2, \"merchantRisk\": 0.1}", "feature 'amount' is \"12\" (string); expected a number"),
                Arguments.of("{\"amount\": 1, \"hour\": true, \"merchantRisk\": 0.1}", "feature 'hour' is true (boolean); expected a number"),
                Arguments.of("{\"amount\": 1, \"hour\": null, \"merchantRisk\": 0.1}", "feature 'hour' is null (null); expected a number"),
                Arguments.of("{\"amount\": 1, \"hour\": [2], \"merchantRisk\": 0.1}", "feature 'hour' is [2] (array); expected a number"),
                Arguments.of("{\"amount\": 1e300, \"hour\": 2, \"merchantRisk\": 0.1}", "feature 'amount' is 1.0E300; expected a number within FLOAT range"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFeatures")
    void refusesAFeatureItCannotUseNamingIt(String features, String message) {
        assertThatThrownBy(() -> rows.row(request(features))).isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    @Test
    void readsOneRowFromASingleOpenInferenceProtocolTensor() throws Exception {
        Tensor tensor = new Tensor("input", "FP32", List.of(1L, 3L), JsonCodec.mapper().readTree("[[912.4, 3, 0.5]]"));

        assertThat(rows.row(tensorRequest(tensor))).containsExactly(912.4f, 3f, 0.5f);
    }

    @Test
    void refusesATensorOfTheWrongShape() throws Exception {
        Tensor tensor = new Tensor("input", "FP32", List.of(2L, 3L), JsonCodec.mapper().readTree("[[1,2,3],[4,5,6]]"));

        assertThatThrownBy(() -> rows.row(tensorRequest(tensor))).isInstanceOf(InvalidInputException.class)
                .hasMessage("tensor 'input' has shape [2, 3]; expected one row of 3 values with columns [amount, hour, merchantRisk]");
    }

    @Test
    void refusesATensorWhoseDataDoesNotMatchItsShape() throws Exception {
        Tensor tensor = new Tensor("input", "FP32", List.of(1L, 3L), JsonCodec.mapper().readTree("[1, 2]"));

        assertThatThrownBy(() -> rows.row(tensorRequest(tensor))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has 2 values in 'data'");
    }

    private static ScoringRequest request(String features) throws Exception {
        JsonNode node = JsonCodec.mapper().readTree(features);
        return new ScoringRequest("r-1", "fraud", node, null, 1_000, 2_000, null, null);
    }

    private static ScoringRequest tensorRequest(Tensor tensor) {
        return new ScoringRequest("r-1", "fraud", null, List.of(tensor), 1_000, 2_000, null, null);
    }
}
