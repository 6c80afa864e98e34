package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feature values the demo fraud models cannot score (issue 22: they used to be answered 200 with the
 * fallback "legit"): the real platform — broker, gateway, rendezvous and the demo ONNX runners, which
 * publish their features in their registrations — answers them 400 naming the feature and the model,
 * on {@code /v1} and on the OIP route; an app configured {@code onInvalidInput: fallback} answers
 * them with its policy's fallback instead.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayFeatureSignatureIT {
    private static final String POLICY = """
            apps:
              - name: fraud
                partitions: 1
                retentionMs: 3600000
                onInvalidInput: %s
                policy:
                  deadline: 5s
                  stages:
                    - accept: [fraud-fm@1, fraud-lr@1]
                  fallback: { output: { label: legit }, reason: no model answered in time }
            """;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedKafkaBroker broker;
    private Path dir;
    private Platform strict;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        this.broker = broker;
        this.dir = dir;
        strict = start("reject", "strict");
    }

    @AfterAll
    void stop() {
        if (strict != null) {
            strict.close();
        }
    }

    static Stream<Arguments> wrongFeatures() {
        return Stream.of(
                Arguments.of("a string", "amount", JsonCodec.mapper().getNodeFactory().textNode("129.5"), "is \"129.5\" (string)"),
                Arguments.of("null", "hour", JsonCodec.mapper().getNodeFactory().nullNode(), "is null (null)"),
                Arguments.of("an object", "merchantRisk", JsonCodec.mapper().createObjectNode().put("v", 0.2), "(object)"),
                Arguments.of("a boolean", "distanceKm", JsonCodec.mapper().getNodeFactory().booleanNode(true), "(boolean)"),
                Arguments.of("missing", "cardAgeDays", null, "is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongFeatures")
    void refusesAFeatureTheModelsCannotTakeWith400NamingItAndTheModel(String name, String feature, JsonNode value, String messagePart)
            throws Exception {
        HttpResponse<String> response = score(strict, withFeature(feature, value));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = JsonCodec.mapper().readTree(response.body());
        assertThat(error.path("where").asText()).isEqualTo("body.features." + feature);
        assertThat(error.path("error").asText()).contains("feature '" + feature + "'").contains(messagePart).containsPattern("model fraud-(fm|lr)@\\d");
    }

    @Test
    void scoresFeaturesThatFitWithAModel() throws Exception {
        HttpResponse<String> response = score(strict, withFeature("amount", JsonCodec.mapper().getNodeFactory().numberNode(129.5)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonCodec.mapper().readTree(response.body()).path("outcome").asText()).isEqualTo("model");
    }

    static Stream<Arguments> wrongTensors() {
        return Stream.of(
                Arguments.of("FP64 for FP32", "input", "FP64", "[1, 5]", "body.inputs[0].datatype", "takes FP32"),
                Arguments.of("four columns for five", "input", "FP32", "[1, 4]", "body.inputs[0].shape", "takes [-1,5]"),
                Arguments.of("an unknown name", "features", "FP32", "[1, 5]", "body.inputs[0].name", "has no input 'features'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTensors")
    void refusesAnOipTensorTheModelsCannotTakeWith400(String name, String tensor, String datatype, String shape, String where,
                                                       String messagePart) throws Exception {
        int elements = shape.equals("[1, 4]") ? 4 : 5;
        String data = "[" + String.join(", ", java.util.Collections.nCopies(elements, "0.5")) + "]";
        HttpResponse<String> response = infer(strict, tensor, datatype, shape, data);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = JsonCodec.mapper().readTree(response.body());
        assertThat(error.path("where").asText()).isEqualTo(where);
        assertThat(error.path("error").asText()).contains(messagePart);
    }

    @Test
    void scoresAnOipTensorThatFits() throws Exception {
        HttpResponse<String> response = infer(strict, "input", "FP32", "[1, 5]", "[129.5, 23, 12.0, 0.2, 400]");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void anAppConfiguredToFallBackAnswersWrongFeaturesWithItsPolicysFallback() throws Exception {
        try (Platform lenient = start("fallback", "lenient")) {
            HttpResponse<String> response = score(lenient, withFeature("amount", JsonCodec.mapper().getNodeFactory().textNode("129.5")));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = JsonCodec.mapper().readTree(response.body());
            assertThat(answer.path("outcome").asText()).isEqualTo("fallback");
            assertThat(answer.path("output").path("label").asText()).isEqualTo("legit");
        }
    }

    private Platform start(String onInvalidInput, String name) throws Exception {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, "services: [gateway, rendezvous, models]\n" + POLICY.formatted(onInvalidInput));
        return Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix("signature-" + name),
                "signature-" + name, "signature-it-admin-token", Map.of(
                        "models.demoDir", dir.resolve("models").toString(),
                        "archive.enabled", "false"))));
    }

    /** A real demo sample with {@code feature} replaced by {@code value} (removed when null). */
    private static String withFeature(String feature, JsonNode value) {
        Map<String, Object> features = new HashMap<>(DemoModels.sampleFeatures(7, 1).get(0));
        if (value == null) {
            features.remove(feature);
        } else {
            features.put(feature, value);
        }
        return new String(JsonCodec.encode(Map.of("features", features)));
    }

    private HttpResponse<String> score(Platform platform, String body) throws Exception {
        return post(platform, "/v1/score/fraud", body);
    }

    private HttpResponse<String> infer(Platform platform, String tensor, String datatype, String shape, String data) throws Exception {
        return post(platform, "/v2/models/fraud/infer", """
                {"inputs": [{"name": "%s", "datatype": "%s", "shape": %s, "data": %s}]}""".formatted(tensor, datatype, shape, data));
    }

    private HttpResponse<String> post(Platform platform, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
