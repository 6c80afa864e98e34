package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoreError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordDecoderTest {
    @Test
    void readsAScoresModelRoleLabelAndScoreAsTheProtocolWroteThem() {
        ObjectNode output = JsonCodec.mapper().createObjectNode();
        output.putArray("output").add(0.25).add(0.75);
        output.put("label", "legit");
        ModelScore score = new ModelScore("r-1", "fraud", "fraud-lr", "2", ModelRole.CANARY, output, null, 100, 50, 4, 1_000L, "ab", "nonce-0123456789abcdef",
                "b-1", 2);
        RecordDecoder.ScoreSeen seen = RecordDecoder.score(JsonCodec.encode(score));
        assertThat(seen).isEqualTo(new RecordDecoder.ScoreSeen(score.originKey(), "fraud-lr@2", ModelRole.CANARY, "legit", 0.25, null, 1_000L));
    }

    @Test
    void readsAnErrorScoresCode() {
        ModelScore score = new ModelScore("r-2", "fraud", "fraud-fm", "1", ModelRole.LIVE, null, new ScoreError("model-failure", "boom"), 1, 1, 1,
                7L);
        RecordDecoder.ScoreSeen seen = RecordDecoder.score(JsonCodec.encode(score));
        assertThat(seen.error()).isEqualTo("model-failure");
        assertThat(seen.score()).isNaN();
        assertThat(seen.originKey()).isEqualTo("r-2");
    }

    @Test
    void readsADecisionsServedModelLateListAndArrivals() {
        Decision decision = new Decision("r-3", "fraud", Outcome.MODEL, "fraud-fm", "1", JsonCodec.mapper().createObjectNode().put("x", 1),
                "preferred", 3, null, List.of(new Candidate("fraud-fm", "1", ModelRole.LIVE, 12, null),
                new Candidate("fraud-lr", "1", ModelRole.LIVE, 40, "late")), List.of("fraud-lr@1"), 5_000, 5_100, 5_090, "nonce-fedcba9876543210", null, null);
        RecordDecoder.DecisionSeen seen = RecordDecoder.decision(JsonCodec.encode(decision));
        assertThat(seen).isEqualTo(new RecordDecoder.DecisionSeen(decision.originKey(), "fraud-fm@1", 5_000, List.of("fraud-lr@1"),
                Map.of("fraud-fm@1", 12L, "fraud-lr@1", 40L)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{\"model\":\"m\",\"version\":\"1\",\"role\":\"live\",\"output\":{}}",
            "{\"requestId\":\"r\",\"model\":\"m\",\"version\":\"1\",\"role\":\"boss\",\"output\":{}}",
            "{\"requestId\":\"r\",\"model\":\"m\",\"version\":\"1\",\"role\":\"live\"}", "{\"requestId\":"})
    void refusesWhatIsNotAReadableScore(String json) {
        assertThatThrownBy(() -> RecordDecoder.score(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    }
}
