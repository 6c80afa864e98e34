package dev.rendezvous.archiver.trace;

import static dev.rendezvous.archiver.ArchiveFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rendezvous.archiver.ArchiveFixture;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoreError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {
    private static final String APP = "fraud";
    private static final JsonNode OUTPUT = JsonNodeFactory.instance.objectNode().put("score", 0.93);

    @TempDir
    Path archiveDir;

    private ArchiveFixture archive;

    @BeforeEach
    void archiveTraffic() {
        archive = new ArchiveFixture(archiveDir, APP, 4_000);
        for (int n = 0; n < 60; n++) {
            String id = "r-" + n;
            archive.append("decoy", 0, n, T0 + n, id, ArchiveFixture.request(id, n));
            archive.append("scores", 0, 2L * n, T0 + n + 1, id, JsonCodec.encode(score(id, "lr", null)));
            archive.append("scores", 0, 2L * n + 1, T0 + n + 2, id, JsonCodec.encode(score(id, "gbm", new ScoreError(ScoreError.MODEL_FAILURE, "NaN in output"))));
        }
        // Decisions of the first 59 sealed, the last one still in its open segment.
        for (int n = 0; n < 59; n++) {
            archive.append("results", 0, n, T0 + n + 5, "r-" + n, JsonCodec.encode(decision("r-" + n, n % 2 == 0 ? "preferred" : "deadline-best")));
        }
        archive.sealAll();
        archive.append("results", 0, 59, T0 + 64, "r-59", JsonCodec.encode(decision("r-59", "preferred")));
    }

    @AfterEach
    void closeArchive() throws IOException {
        archive.close();
    }

    @Test
    void showsTheExactInputEveryScoreAndErrorAndTheDecisionWithItsLateModels() throws IOException {
        Trace trace = new TraceReader(archiveDir).trace(APP, "r-41").orElseThrow();

        assertThat(trace.inputs()).singleElement().satisfies(input -> {
            assertThat(input.value()).isEqualTo(ArchiveFixture.request("r-41", 41));
            assertThat(input.hashVerified()).isTrue();
            assertThat(input.sealed()).isTrue();
        });
        assertThat(trace.modelScores()).extracting(ModelScore::model, s -> s.failed() ? s.error().code() : "ok", ModelScore::inferenceMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lr", "ok", 250L),
                        org.assertj.core.groups.Tuple.tuple("gbm", ScoreError.MODEL_FAILURE, 250L));
        Decision decision = trace.decision().orElseThrow();
        assertThat(decision.model()).isEqualTo("lr");
        assertThat(decision.reason()).isEqualTo("deadline-best");
        assertThat(decision.policyVersion()).isEqualTo(7);
        assertThat(decision.splitVariant()).isEqualTo(1);
        assertThat(decision.late()).containsExactly("xgb@2");
        assertThat(decision.candidates()).extracting(Candidate::error).containsExactly(null, ScoreError.MODEL_FAILURE);
    }

    @Test
    void findsADecisionThatIsStillInAnOpenSegment() throws IOException {
        Trace trace = new TraceReader(archiveDir).trace(APP, "r-59").orElseThrow();

        assertThat(trace.decisions()).singleElement().satisfies(d -> assertThat(d.sealed()).isFalse());
        assertThat(trace.inputs()).hasSize(1);
        assertThat(trace.scores()).hasSize(2);
    }

    @Test
    void rendersTheTraceAsJsonWithCoordinatesHashCheckAndValues() throws IOException {
        JsonNode json = new TraceReader(archiveDir).trace("r-41").orElseThrow().toJson();

        assertThat(json.path("app").asText()).isEqualTo(APP);
        assertThat(json.path("input").path("value").path("id").asText()).isEqualTo("r-41");
        assertThat(json.path("input").path("hashVerified").asBoolean()).isTrue();
        assertThat(json.path("input").path("at").asText()).isEqualTo("fraud.decoy-0@41");
        assertThat(json.path("scores")).hasSize(2);
        assertThat(json.path("scores").get(1).path("value").path("error").path("code").asText()).isEqualTo(ScoreError.MODEL_FAILURE);
        assertThat(json.path("decision").path("value").path("late").get(0).asText()).isEqualTo("xgb@2");
    }

    @Test
    void findsNothingForAnUnknownRequestAndRejectsIllegalNames() throws IOException {
        assertThat(new TraceReader(archiveDir).trace(APP, "r-1000")).isEmpty();
        assertThatThrownBy(() -> new TraceReader(archiveDir).trace("../etc", "r-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TraceReader(archiveDir).trace(APP, "r 1\"")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queryStreamsTheDecisionsOfATimeWindowWithAReason() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        long count = new QueryReader(archiveDir).query(new Query(APP, "results", T0 + 10, T0 + 20, "lr", "preferred"), out);

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(count).isEqualTo(lines.size()).isEqualTo(5);
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("\"reason\":\"preferred\""));
        assertThat(lines).extracting(line -> JsonCodec.mapper().readTree(line).path("key").asText())
                .containsExactly("r-6", "r-8", "r-10", "r-12", "r-14");
    }

    private static ModelScore score(String id, String model, ScoreError error) {
        return new ModelScore(id, APP, model, "1", ModelRole.LIVE, error == null ? OUTPUT : null, error, 120, 250, 4, T0 + 3);
    }

    private static Decision decision(String id, String reason) {
        return new Decision(id, APP, Outcome.MODEL, "lr", "1", OUTPUT, reason, 7, 1,
                List.of(new Candidate("lr", "1", ModelRole.LIVE, 3, null), new Candidate("gbm", "1", ModelRole.LIVE, 4, ScoreError.MODEL_FAILURE)),
                List.of("xgb@2"), T0, T0 + 50, T0 + 49);
    }
}
