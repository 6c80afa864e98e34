package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class OipResponsesTest {

    @Test
    void mapsAModelDecisionToTheOipResponseWithOneTensorPerOutputMember() throws Exception {
        Decision decision = JsonCodec.decode(Fixtures.text("oip/decision-model.json").getBytes(), Decision.class);

        OipResponses.Answer answer = OipResponses.infer("fraud", "42", decision, DeadlineBudget.of(null, 40), 12, List.of());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(onTheWire(answer.body())).isEqualTo(Fixtures.json("oip/infer-response-model.json"));
    }

    @Test
    void mapsAFallbackDecisionWithoutAModelVersionAndSaysTheDeadlineWasClamped() throws Exception {
        Decision decision = JsonCodec.decode(Fixtures.text("oip/decision-fallback.json").getBytes(), Decision.class);

        OipResponses.Answer answer = OipResponses.infer("fraud", "43", decision, DeadlineBudget.of(90L, 40), 41, List.of());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(onTheWire(answer.body())).isEqualTo(Fixtures.json("oip/infer-response-fallback.json"));
    }

    @Test
    void returnsOnlyTheRequestedOutputsAndNamesTheMissingOnes() {
        Decision decision = JsonCodec.decode(Fixtures.text("oip/decision-model.json").getBytes(), Decision.class);

        JsonNode body = OipResponses.infer("fraud", "42", decision, DeadlineBudget.of(null, 40), 12, List.of("label", "nope")).body();

        assertThat(body.path("outputs").findValuesAsText("name")).containsExactly("label");
        assertThat(body.path("parameters").path("missing_outputs").asText()).isEqualTo("nope");
    }

    @Test
    void answersATimeoutWith504AndAnOipErrorThatEchoesTheId() {
        OipResponses.Answer answer = OipResponses.infer("fraud", "44", Reply.NONE_IN_TIME, null, false, DeadlineBudget.of(null, 40), 540, List.of());

        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.body().path("error").asText()).contains("40 ms");
        assertThat(answer.body().path("id").asText()).isEqualTo("44");
    }

    /** What a client reads: encoded and parsed again, so that number node types do not matter. */
    private static JsonNode onTheWire(JsonNode body) throws Exception {
        return JsonCodec.mapper().readTree(JsonCodec.encode(body));
    }

    @Test
    void passesOnTheTensorsOfTheRunnersTensorFormWithTheirOwnDatatypeAndShape() throws Exception {
        JsonNode output = JsonCodec.mapper().readTree("""
                {"outputs": [
                  {"name": "grid", "datatype": "FP32", "shape": [1, 2, 2], "data": [1.5, 2, 3, 4]},
                  {"name": "ids", "datatype": "INT64", "shape": [], "data": [9007199254740993]},
                  {"name": "short", "datatype": "FP32", "shape": [2], "data": [1]},
                  {"name": "nested", "datatype": "FP32", "shape": [1, 1], "data": [[1]]}]}""");

        List<ObjectNode> tensors = OipResponses.tensors(output);

        assertThat(tensors).extracting(t -> t.path("name").asText()).containsExactly("grid", "ids");
        assertThat(tensors.get(0).toString()).isEqualTo("{\"name\":\"grid\",\"datatype\":\"FP32\",\"shape\":[1,2,2],\"data\":[1.5,2,3,4]}");
        assertThat(tensors.get(1).path("data").get(0).longValue()).isEqualTo(9_007_199_254_740_993L);
    }

    @Test
    void readsAFeaturesFormOutputNamedOutputsAsOneMember() throws Exception {
        JsonNode output = JsonCodec.mapper().readTree("{\"outputs\": [0.25, 0.75]}");

        assertThat(OipResponses.tensors(output)).singleElement()
                .satisfies(t -> assertThat(t.path("shape").toString()).isEqualTo("[1,2]"));
    }

    @Test
    void leavesOutMembersNoTensorCanDescribe() throws Exception {
        JsonNode output = JsonCodec.mapper().readTree("{\"ragged\": [[1], [2, 3]], \"nested\": {\"a\": 1}, \"mixed\": [1, \"a\"], \"ok\": [true]}");

        assertThat(OipResponses.tensors(output)).extracting(t -> t.path("name").asText()).containsExactly("ok");
    }
}
