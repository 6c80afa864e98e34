package dev.rendezvous.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas in {@code docs/schemas} are the Kafka-native contract: what the codec writes must
 * validate against them, and what the codec refuses to read they must refuse too.
 */
class SchemaConformanceTest {
    private static final long RECEIVED_AT_MS = 1_767_225_600_000L;
    private static final String ARTIFACT_SHA256 = "2357f272c876fd64aafb0d0c16907bc04052c134bf7acea014f58689037d4ece";
    private static final long DEADLINE_AT_MS = RECEIVED_AT_MS + 30;

    @Test
    void everyPublishedSchemaDeclaresTheDraftTheValidatorChecks() throws IOException {
        List<String> files;
        try (Stream<Path> listing = Files.list(PublishedSchema.DIRECTORY)) {
            files = listing.map(path -> path.getFileName().toString()).sorted().toList();
        }

        // A schema added here without a record type below would go unchecked.
        assertThat(files).containsExactly("analytics-alert.schema.json", "decision.schema.json", "model-analytics.schema.json",
                "model-score.schema.json", "scoring-request.schema.json");
        for (Class<?> type : List.of(ScoringRequest.class, ModelScore.class, Decision.class, ModelAnalytics.class, AnalyticsAlert.class)) {
            assertThat(PublishedSchema.forRecord(type).declaredDraft()).as(type.getSimpleName())
                    .isEqualTo(PublishedSchema.DRAFT.getIdentifier());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writtenRecords")
    void recordsTheCodecWritesConformToTheirSchema(String what, Object record) {
        byte[] json = JsonCodec.encode(record);

        assertThat(PublishedSchema.forRecord(record.getClass()).problemsWith(json)).as(new String(json, StandardCharsets.UTF_8))
                .isEmpty();
        assertThat(JsonCodec.decode(json, record.getClass())).isEqualTo(record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writtenRecords")
    void everyFieldTheCodecWritesIsDeclaredInTheSchema(String what, Object record) {
        byte[] json = JsonCodec.encode(record);

        assertThat(PublishedSchema.forRecord(record.getClass()).undeclaredFields(json)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRecords")
    void theSchemaRefusesWhatTheCodecRefuses(String what, Object valid, Consumer<JsonObject> breakIt) {
        JsonObject json = new JsonObject(new String(JsonCodec.encode(valid), StandardCharsets.UTF_8));
        breakIt.accept(json);
        byte[] broken = json.encode().getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonCodec.decode(broken, valid.getClass())).isInstanceOf(MalformedRecordException.class);
        assertThat(PublishedSchema.forRecord(valid.getClass()).problemsWith(broken)).as(json.encode()).isNotEmpty();
    }

    static Stream<Arguments> writtenRecords() {
        return Stream.of(
                arguments("scoring request with features", featuresRequest()),
                arguments("scoring request with OIP tensors, no reply wanted", new ScoringRequest("42", "fraud", null,
                        List.of(new Tensor("features", "FP32", List.of(1L, 3L), json("[129.5, 0.2, 23.0]")),
                                new Tensor("country", "BYTES", List.of(1L), json("[\"DE\"]"))),
                        RECEIVED_AT_MS, DEADLINE_AT_MS, null, null)),
                arguments("scoring request pinned to one model version", new ScoringRequest("order-4712", "fraud", null,
                        List.of(new Tensor("features", "FP64", List.of(2L, 2L), json("[1.0, 2.0, 3.0, 4.0]"))),
                        RECEIVED_AT_MS, DEADLINE_AT_MS, "rdv.replies.gw-1", "fraud-gbt@7")),
                arguments("model score with an output", okScore()),
                arguments("model score of the third of four requests in one model call", okScore().inBatch("fraud-gbt@1/5f3a9c2e-17", 2)),
                arguments("model score with an error", new ModelScore("order-4711", "fraud", "fraud-nn", "2", ModelRole.SHADOW,
                        null, new ScoreError(ScoreError.MODEL_FAILURE, "the model failed: index 5 out of bounds"),
                        0, 310, 1, RECEIVED_AT_MS + 2).withArtifact(ARTIFACT_SHA256)),
                arguments("model score of a call that exceeded callTimeoutMs", new ModelScore("order-4711", "fraud", "fraud-nn", "2",
                        ModelRole.SHADOW, null,
                        new ScoreError(ScoreError.CALL_TIMEOUT, "the model call did not return within callTimeoutMs (1000 ms)"),
                        0, 1_000_412, 3, RECEIVED_AT_MS + 1_002).withArtifact(ARTIFACT_SHA256)),
                arguments("model score of a model without an artifact (remote-oip)", new ModelScore("order-4711", "fraud", "fraud-xgb", "4",
                        ModelRole.SHADOW, null, new ScoreError(ScoreError.INVALID_INPUT, "input 'amount' is missing"), 0, 0, 1,
                        RECEIVED_AT_MS + 2)),
                arguments("decision served by a model", modelDecision()),
                arguments("analytics of a live model against the canary", new ModelAnalytics("fraud", "fraud-fm", "1", ModelRole.LIVE, 60_000,
                        RECEIVED_AT_MS, 1200, 1190, 0.97, 0.01, 0.0, 1.0, 0.95, Map.of("fraud-lr@1", 0.96), "fraud-lr@2", 0.04, 0.01,
                        new ModelAnalytics.Quantiles(1200, 0.02, 0.4, 0.93, 0.99), new ModelAnalytics.Quantiles(1200, 3.0, 8.0, 21.0, 40.0),
                        false, RECEIVED_AT_MS + 61_000)),
                arguments("analytics of a canary in an empty-latency window", new ModelAnalytics("fraud", "fraud-lr", "2", ModelRole.CANARY,
                        60_000, RECEIVED_AT_MS, 3, 0, 0, 0, 1.0 / 3, null, null, Map.of(), "fraud-lr@2", null, null,
                        new ModelAnalytics.Quantiles(2, 0.1, 0.2, 0.2, 0.2), new ModelAnalytics.Quantiles(0, null, null, null, null),
                        true, RECEIVED_AT_MS + 63_000)),
                arguments("analytics alert on disagreement", new AnalyticsAlert("fraud", "fraud-nn", "3", AnalyticsAlert.Kind.DISAGREEMENT,
                        0.3, 0.1, "fraud-lr@2", 60_000, RECEIVED_AT_MS, 400, RECEIVED_AT_MS + 5_000)),
                arguments("decision whose requested deadline the policy capped", modelDecision().withDeadlineClamped(60_000)),
                arguments("decision served by a later stage, with a split and late models", new Decision("order-4711", "fraud",
                        Outcome.MODEL, "fraud-nn", "3", json("{\"probabilities\": [0.4, 0.6], \"label\": \"1\"}"), "stage-2", 5, 1,
                        List.of(new Candidate("fraud-nn", "3", ModelRole.CANARY, 11, null)),
                        List.of("fraud-gbt@1"), RECEIVED_AT_MS, DEADLINE_AT_MS, RECEIVED_AT_MS + 12)),
                arguments("decision serving the fallback", new Decision("order-4711", "fraud", Outcome.FALLBACK, null, null,
                        json("{\"label\": \"review\"}"), "fallback", 3, null,
                        List.of(new Candidate("fraud-gbt", "1", ModelRole.LIVE, 9, ScoreError.MODEL_FAILURE)),
                        List.of("fraud-nn@2"), RECEIVED_AT_MS, DEADLINE_AT_MS, DEADLINE_AT_MS)),
                arguments("decision that timed out", new Decision("order-4711", "fraud", Outcome.TIMEOUT, null, null, null,
                        "timeout", 3, null, List.of(), List.of("fraud-gbt@1", "fraud-nn@2"),
                        RECEIVED_AT_MS, DEADLINE_AT_MS, DEADLINE_AT_MS)),
                arguments("decision without a policy", new Decision("order-4711", "fraud", Outcome.TIMEOUT, null, null, null,
                        "no-policy", 0, null, List.of(), List.of(), RECEIVED_AT_MS, DEADLINE_AT_MS, RECEIVED_AT_MS)));
    }

    static Stream<Arguments> refusedRecords() {
        return Stream.of(
                refused("scoring request with neither features nor inputs", featuresRequest(), json -> json.remove("features")),
                refused("scoring request with an empty list of inputs", featuresRequest(), json -> {
                    json.remove("features");
                    json.put("inputs", List.of());
                }),
                refused("scoring request with both features and inputs", tensorRequest(),
                        json -> json.put("features", new JsonObject().put("amount", 12.5))),
                refused("scoring request without an id", featuresRequest(), json -> json.remove("id")),
                refused("scoring request whose id has a space", featuresRequest(), json -> json.put("id", "order 4711")),
                refused("scoring request whose features are an array", featuresRequest(), json -> json.put("features", List.of(1, 2))),
                refused("scoring request whose features are null", featuresRequest(), json -> json.putNull("features")),
                refused("scoring request whose receipt time is text", featuresRequest(), json -> json.put("receivedAtMs", "soon")),
                refused("scoring request received at time zero", featuresRequest(), json -> json.put("receivedAtMs", 0)),
                refused("scoring request without a deadline", featuresRequest(), json -> json.remove("deadlineAtMs")),
                refused("scoring request whose id is a number", featuresRequest(), json -> json.put("id", 4711)),
                refused("scoring request with an over-long app name", featuresRequest(), json -> json.put("app", "f".repeat(64))),
                refused("scoring request with an upper-case app name", featuresRequest(), json -> json.put("app", "Fraud")),
                refused("scoring request pinned to a model without a version", featuresRequest(), json -> json.put("pinnedModel", "no-at-sign")),
                refused("scoring request pinned to a number", featuresRequest(), json -> json.put("pinnedModel", 5)),
                refused("scoring request replying into the policy topic", featuresRequest(), json -> json.put("replyTo", "rdv.policies")),
                refused("scoring request replying into a requests topic", featuresRequest(), json -> json.put("replyTo", "fraud.requests")),
                refused("scoring request replying to an illegal topic name", featuresRequest(), json -> json.put("replyTo", "my service.replies")),
                refused("scoring request whose receipt time has a fraction", featuresRequest(), json -> json.put("receivedAtMs", RECEIVED_AT_MS + 0.5)),
                refused("scoring request whose deadline is text digits", featuresRequest(), json -> json.put("deadlineAtMs", Long.toString(DEADLINE_AT_MS))),
                refused("scoring request with a tensor without data", tensorRequest(),
                        json -> json.getJsonArray("inputs").getJsonObject(0).remove("data")),
                refused("scoring request with a tensor named by blanks", tensorRequest(),
                        json -> json.getJsonArray("inputs").getJsonObject(0).put("name", "  ")),
                refused("model score with both output and error", okScore(),
                        json -> json.put("error", new JsonObject().put("code", "model-failure").put("message", "boom"))),
                refused("model score with neither output nor error", okScore(), json -> json.remove("output")),
                refused("model score with a batch id but no position", okScore().inBatch("b-1", 0), json -> json.remove("batchPosition")),
                refused("model score with a batch position but no id", okScore().inBatch("b-1", 0), json -> json.remove("batchId")),
                refused("model score with a batch id that is not text", okScore().inBatch("b-1", 0), json -> json.put("batchId", "a b")),
                refused("model score with an error without a message", okScore(), json -> {
                    json.remove("output");
                    json.put("error", new JsonObject().put("code", "model-failure"));
                }),
                refused("model score with an unknown role", okScore(), json -> json.put("role", "leader")),
                refused("model score with an illegal model name", okScore(), json -> json.put("model", "-fraud")),
                refused("model score without a batch size", okScore(), json -> json.remove("batchSize")),
                refused("decision with an unknown outcome", modelDecision(), json -> json.put("outcome", "maybe")),
                refused("decision without a reason", modelDecision(), json -> json.remove("reason")),
                refused("decision whose request id has a slash", modelDecision(), json -> json.put("requestId", "order/4711")),
                refused("model decision without the served version", modelDecision(), json -> json.remove("version")),
                refused("decision without a policy version", modelDecision(), json -> json.remove("policyVersion")),
                refused("decision capped without the requested deadline", modelDecision().withDeadlineClamped(60_000),
                        json -> json.remove("requestedDeadlineMs")),
                refused("decision saying its deadline was not capped", modelDecision().withDeadlineClamped(60_000),
                        json -> json.put("deadlineClamped", false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableJson")
    void theCodecRefusesJsonThatALenientReaderWouldReinterpret(String what, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonCodec.decode(bytes, ScoringRequest.class)).isInstanceOf(MalformedRecordException.class)
                .hasMessageNotContaining("REDACTED");
    }

    static Stream<Arguments> unreadableJson() {
        String valid = new String(JsonCodec.encode(featuresRequest()), StandardCharsets.UTF_8);
        return Stream.of(
                arguments("the JSON null", "null"),
                arguments("a JSON array", "[" + valid + "]"),
                arguments("a JSON string", "\"fraud\""),
                arguments("trailing garbage", valid + " xyz"),
                arguments("a second object", valid + valid),
                arguments("a trailing NUL", valid + "\u0000"),
                arguments("a duplicate key", valid.replace("{\"id\":\"order-4711\"", "{\"id\":\"order-4711\",\"id\":\"other\"")));
    }

    @Test
    void theCodecRefusesInvalidUtf8() {
        byte[] valid = JsonCodec.encode(featuresRequest());
        byte[] broken = java.util.Arrays.copyOf(valid, valid.length);
        int at = new String(valid, StandardCharsets.UTF_8).indexOf("order-4711") + 6;
        broken[at] = (byte) 0xC3; // a lead byte followed by an ASCII digit: not UTF-8

        assertThatThrownBy(() -> JsonCodec.decode(broken, ScoringRequest.class)).isInstanceOf(MalformedRecordException.class);
    }

    /** Gives the lambda its type, which {@code arguments(Object...)} cannot. */
    private static Arguments refused(String what, Object valid, Consumer<JsonObject> breakIt) {
        return arguments(what, valid, breakIt);
    }

    private static ScoringRequest featuresRequest() {
        return new ScoringRequest("order-4711", "fraud", json("{\"amount\": 129.5, \"country_risk\": 0.2, \"hour\": 23}"), null,
                RECEIVED_AT_MS, DEADLINE_AT_MS, "my-service.replies", null);
    }

    private static ScoringRequest tensorRequest() {
        return new ScoringRequest("42", "fraud", null,
                List.of(new Tensor("features", "FP32", List.of(1L, 3L), json("[129.5, 0.2, 23.0]"))),
                RECEIVED_AT_MS, DEADLINE_AT_MS, "my-service.replies", null);
    }

    private static ModelScore okScore() {
        return new ModelScore("order-4711", "fraud", "fraud-gbt", "1", ModelRole.LIVE,
                json("{\"probabilities\": [0.93, 0.07], \"label\": \"0\"}"), null, 1_250, 310, 4, RECEIVED_AT_MS + 3);
    }

    private static Decision modelDecision() {
        return new Decision("order-4711", "fraud", Outcome.MODEL, "fraud-gbt", "1",
                json("{\"probabilities\": [0.93, 0.07], \"label\": \"0\"}"), "preferred", 3, null,
                List.of(new Candidate("fraud-gbt", "1", ModelRole.LIVE, 4, null),
                        new Candidate("fraud-nn", "2", ModelRole.SHADOW, 3, ScoreError.INVALID_INPUT)),
                List.of(), RECEIVED_AT_MS, DEADLINE_AT_MS, RECEIVED_AT_MS + 4);
    }

    private static JsonNode json(String text) {
        try {
            return JsonCodec.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
