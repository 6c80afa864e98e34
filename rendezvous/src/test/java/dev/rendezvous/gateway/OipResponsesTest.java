package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
        OipResponses.Answer answer = OipResponses.infer("fraud", "44", null, DeadlineBudget.of(null, 40), 540, List.of());

        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.body().path("error").asText()).contains("40 ms");
        assertThat(answer.body().path("id").asText()).isEqualTo("44");
    }

    /** What a client reads: encoded and parsed again, so that number node types do not matter. */
    private static JsonNode onTheWire(JsonNode body) throws Exception {
        return JsonCodec.mapper().readTree(JsonCodec.encode(body));
    }

    @Test
    void leavesOutMembersNoTensorCanDescribe() throws Exception {
        JsonNode output = JsonCodec.mapper().readTree("{\"ragged\": [[1], [2, 3]], \"nested\": {\"a\": 1}, \"mixed\": [1, \"a\"], \"ok\": [true]}");

        assertThat(OipResponses.tensors(output)).extracting(t -> t.path("name").asText()).containsExactly("ok");
    }
}
