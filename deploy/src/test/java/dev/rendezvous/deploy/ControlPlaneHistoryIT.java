package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archiver.trace.ControlHistory;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Forensics over a changing control plane: a request is served under one policy by a canary, then
 * the policy is replaced and the canary promoted. The request's trace must still show the policy text
 * and the model's role as they were when it was served, and the history must say who changed what.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneHistoryIT {
    private static final String TOKEN = "history-it-admin-token";
    private static final String READER = "history-it-fraud-reader";
    private static final String SERVE_CANARY = """
            app: fraud
            deadline: 5s
            stages:
              - accept: [fraud-lr@2]
            fallback: { output: { label: legit }, reason: the canary did not answer }
            """;
    private static final String SERVE_FM = """
            app: fraud
            deadline: 5s
            stages:
              - accept: [fraud-fm@1]
            fallback: { output: { label: review }, reason: fm did not answer }
            """;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Platform platform;
    private EmbeddedKafkaBroker broker;
    private String prefix;
    private Path archiveDir;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        this.broker = broker;
        archiveDir = dir.resolve("archive");
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, "{}\n");
        prefix = EmbeddedKafkaExtension.uniquePrefix("history");
        platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, prefix, "history-it", TOKEN, Map.of(
                "models.demoDir", dir.resolve("models").toString(),
                "archive.dir", archiveDir.toString(),
                "gateway.archiveReaders.fraud.token", READER))));
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void tracesShowThePolicyTextAndTheModelsRoleInForceWhenServedAndTheHistorySaysWhoChangedWhat() throws Exception {
        long canaryPolicy = putPolicy(SERVE_CANARY);
        awaitInForce(canaryPolicy);
        JsonNode answer = score("hist-1");
        assertThat(answer.path("model").asText()).as(answer.toString()).isEqualTo("fraud-lr");
        assertThat(answer.path("version").asText()).isEqualTo("2");

        long fmPolicy = putPolicy(SERVE_FM);
        awaitInForce(fmPolicy);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int promoted = new CommandLine(new dev.rendezvous.runner.cli.ModelCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("promote", "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix, "fraud", "fraud-lr@2");
        assertThat(promoted).as(err.toString()).isZero();

        // The trace, once the archive holds the decision and the promotion.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode trace = get("/v1/admin/trace/fraud/hist-1", 200, READER);
            assertThat(trace.path("policy").path("version").asLong()).isEqualTo(canaryPolicy);
            assertThat(trace.path("policy").path("policy").path("stages").get(0).path("accept").get(0).asText()).isEqualTo("fraud-lr@2");
            assertThat(trace.path("policy").path("updatedBy").asText()).startsWith("admin-api token sha256:");
            JsonNode served = trace.path("servedModel");
            assertThat(served.path("ref").asText()).isEqualTo("fraud-lr@2");
            assertThat(served.path("role").asText()).as("the role when served").isEqualTo("canary");
            assertThat(served.path("changedBy").asText()).startsWith("runner ");
            assertThat(served.path("lineage").path("seed").asLong()).isEqualTo(22);
            assertThat(served.path("now").path("role").asText()).as("the role now, labelled as such").isEqualTo("live");
            JsonNode history = get("/v1/admin/history/fraud", 200);
            List<String> changes = new ArrayList<>();
            history.path("models").forEach(change -> changes.add(change.path("ref").asText() + " " + change.path("from").asText("-") + "->"
                    + change.path("to").asText() + " by " + change.path("changedBy").asText().split(" ")[0]));
            assertThat(changes).contains("fraud-lr@2 -->canary by runner", "fraud-lr@2 canary->live by cli");
        });

        JsonNode old = get("/v1/admin/policies/fraud/versions/" + canaryPolicy, 200);
        assertThat(old.path("inForce").asBoolean()).isFalse();
        assertThat(old.path("policy").path("fallback").path("output").path("label").asText()).isEqualTo("legit");
        JsonNode current = get("/v1/admin/policies/fraud/versions/" + fmPolicy, 200);
        assertThat(current.path("inForce").asBoolean()).isTrue();
        assertThat(current.path("policy").path("fallback").path("output").path("label").asText()).isEqualTo("review");
        JsonNode listed = get("/v1/admin/policies/fraud/versions", 200);
        assertThat(listed.path("versions").findValuesAsText("version")).contains(Long.toString(canaryPolicy), Long.toString(fmPolicy));
        assertThat(get("/v1/admin/policies/fraud/versions/" + (fmPolicy + 1000), 404).path("where").asText()).isEqualTo("path version");
        assertThat(get("/v1/admin/policies/fraud/versions/two", 400).path("error").asText()).contains("'two'");

        // The archive alone (no Kafka) holds the same text: what an investigator reads after compaction.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(new ControlHistory(archiveDir).policy("fraud", canaryPolicy)).hasValueSatisfying(version ->
                        assertThat(version.policy()).isEqualTo(old.path("policy"))));
    }

    private long putPolicy(String yaml) throws Exception {
        HttpResponse<String> response = http.send(admin("/v1/admin/policies/fraud").PUT(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonCodec.mapper().readTree(response.body()).path("version").asLong();
    }

    private void awaitInForce(long version) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/v1/admin/policies/fraud", 200).path("version").asLong()).isEqualTo(version));
    }

    private JsonNode score(String id) throws Exception {
        String body = new String(JsonCodec.encode(Map.of("id", id, "features", DemoModels.sampleFeatures(3, 1).get(0))));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/fraud"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonCodec.mapper().readTree(response.body());
    }

    private JsonNode get(String path, int status) throws Exception {
        return get(path, status, TOKEN);
    }

    private JsonNode get(String path, int status, String token) throws Exception {
        HttpResponse<String> response = http.send(admin(path, token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
        return JsonCodec.mapper().readTree(response.body());
    }

    private HttpRequest.Builder admin(String path) {
        return admin(path, TOKEN);
    }

    private HttpRequest.Builder admin(String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    }
}
