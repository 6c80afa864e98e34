package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: the real broker, the gateway, the rendezvous, three demo ONNX
 * runners, the decoy and the archiver, all started by {@link Platform} as {@code rendezvous up} does.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {
    private static final int REQUESTS = 200;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Platform platform;
    private KafkaSettings kafka;
    private Path modelDir;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        modelDir = dir.resolve("models");
        Path config = dir.resolve("rendezvous.yaml");
        // A generous deadline: this test is about correctness under concurrency, not latency.
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 3
                    retentionMs: 3600000
                    policy:
                      deadline: 10s
                      stages:
                        - until: 9s
                          accept: [fraud-fm@1]
                        - accept: [fraud-fm@1, fraud-lr@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                """);
        String prefix = EmbeddedKafkaExtension.uniquePrefix("platform");
        platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, prefix, "platform-it", "platform-it-admin-token", Map.of(
                "models.demoDir", modelDir.toString(),
                "archive.dir", dir.resolve("archive").toString(),
                "gateway.archiveReaders.fraud.token", "platform-it-fraud-reader"))));
        kafka = platform.kafka();
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void answersTwoHundredConcurrentRequestsFromThePreferredModelWithExactlyWhatOnnxRuntimeComputes() throws Exception {
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(99, REQUESTS);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String body = new String(JsonCodec.encode(Map.of("id", "req-" + i, "features", samples.get(i))));
            responses.add(http.sendAsync(scoreRequest(body, Map.of()), HttpResponse.BodyHandlers.ofString()));
        }
        float[][] expected = scoreDirectly(ModelManifest.load(modelDir.resolve("fraud-fm-1.yaml")), samples);

        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> response = responses.get(i).get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = JsonCodec.mapper().readTree(response.body());
            assertThat(answer.path("id").asText()).isEqualTo("req-" + i);
            assertThat(answer.path("model").asText() + "@" + answer.path("version").asText()).isEqualTo("fraud-fm@1");
            assertThat(answer.path("reason").asText()).isEqualTo("preferred");
            float[] served = new float[expected[i].length];
            for (int j = 0; j < served.length; j++) {
                served[j] = answer.path("output").path("output").get(j).floatValue();
            }
            assertThat(served).as("request %d", i).containsExactly(expected[i]);
        }
    }

    @Test
    @Order(2)
    void copiesEveryRequestByteForByteToTheDecoyTopicAndRecordsEveryDecision() {
        List<ConsumerRecord<byte[], byte[]>> requests = TopicDump.read(kafka, kafka.topics().requests("fraud"), REQUESTS, Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> decoys = TopicDump.read(kafka, kafka.topics().decoy("fraud"), REQUESTS, Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> results = TopicDump.read(kafka, kafka.topics().results("fraud"), REQUESTS, Duration.ofSeconds(30));

        assertThat(requests).hasSize(REQUESTS);
        assertThat(decoys).hasSize(REQUESTS);
        Map<String, byte[]> requestBytes = new HashMap<>();
        requests.forEach(r -> requestBytes.put(new String(r.key()), r.value()));
        for (ConsumerRecord<byte[], byte[]> decoy : decoys) {
            assertThat(decoy.value()).isEqualTo(requestBytes.get(new String(decoy.key())));
        }
        assertThat(results).hasSize(REQUESTS);
        assertThat(results).allSatisfy(r -> assertThat(JsonCodec.decode(r.value(), Decision.class).outcome()).isEqualTo(Outcome.MODEL));
    }

    @Test
    @Order(3)
    void tracesARequestFromTheArchiveWithEveryAnswerTheDecisionAndTheServedModelsLineage() {
        HttpRequest trace = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/admin/trace/fraud/req-7"))
                .header("Authorization", "Bearer platform-it-fraud-reader").GET().build();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = http.send(trace, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = JsonCodec.mapper().readTree(response.body());
            assertThat(body.path("input").path("hashVerified").asBoolean()).isTrue();
            assertThat(body.path("input").path("value").path("id").asText()).isEqualTo("req-7");
            assertThat(body.path("scores")).hasSize(3);
            assertThat(body.path("decision").path("value").path("model").asText()).isEqualTo("fraud-fm");
            assertThat(body.path("servedModel").path("ref").asText()).isEqualTo("fraud-fm@1");
            assertThat(body.path("servedModel").path("lineage").path("seed").asLong()).isEqualTo(11);
        });
    }

    @Test
    @Order(4)
    void answersWithTheFallbackByTheDeadlineWhenEveryRunnerIsStopped() throws Exception {
        for (String ref : List.of("fraud-fm@1", "fraud-lr@1", "fraud-lr@2")) {
            assertThat(platform.stopModel("fraud", ModelRef.parse(ref))).isTrue();
        }
        String body = new String(JsonCodec.encode(Map.of("features", DemoModels.sampleFeatures(5, 1).get(0))));

        // The client timeout only guards against a hang; the answer is due at 300 ms.
        HttpResponse<String> response = http.send(scoreRequest(body, Map.of("X-Deadline-Ms", "300")), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JsonCodec.mapper().readTree(response.body());
        assertThat(answer.path("outcome").asText()).isEqualTo("fallback");
        assertThat(answer.path("output").path("label").asText()).isEqualTo("legit");
        assertThat(answer.path("deadlineMs").asLong()).isEqualTo(300);
    }

    private HttpRequest scoreRequest(String body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/fraud"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return builder.build();
    }

    /** ONNX Runtime called directly on the same model file, feature columns in the manifest's order. */
    private static float[][] scoreDirectly(ModelManifest manifest, List<Map<String, Number>> samples) throws Exception {
        List<String> features = manifest.input().features();
        float[][] rows = new float[samples.size()][features.size()];
        for (int i = 0; i < samples.size(); i++) {
            for (int j = 0; j < features.size(); j++) {
                rows[i][j] = samples.get(i).get(features.get(j)).floatValue();
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(manifest.artifact().toString());
             OnnxTensor input = OnnxTensor.createTensor(env, rows);
             OrtSession.Result result = session.run(Map.of(manifest.input().tensor(), input))) {
            float[][] output = (float[][]) result.get(0).getValue();
            return Arrays.copyOf(output, output.length);
        }
    }
}
