package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.registry.ControlPlane;
import dev.rendezvous.registry.PolicyStore;
import dev.rendezvous.registry.PolicyWriterClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {
    private static final String APP = "claims";
    private static final String TOKEN = "admin-token-for-tests-42";
    private static final String READER = "claims-archive-reader-token";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private GatewayServer gateway;
    private ControlPlane control;
    private RegistryPublisher publisher;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("admin-api"));
        try (Admin admin = kafka.newAdmin("test")) {
            var layout = new TopicLayout(kafka.topics(), 1);
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.controlTopics());
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.appTopics(APP, 1, 3_600_000));
        }
        publisher = new RegistryPublisher(kafka, "test-registry-writer");
        publisher.register(new ModelRegistration(APP, "claims-gbt", "3", ModelRole.LIVE, "onnx", "ab", null,
                JsonCodec.mapper().readTree("{\"seed\": 7}"), System.currentTimeMillis()));
        control = new ControlPlane(PolicyStore.start(kafka, "test-policies"), RegistryView.start(kafka, "test-registry"),
                new PolicyWriterClient(kafka, "test-policy-writer"));
        control.policyWriter().store(APP, JsonCodec.mapper().readTree(
                "{\"app\":\"claims\",\"deadline\":\"50ms\",\"stages\":[{\"accept\":[\"claims-gbt@3\"]}]}"), "test").get();
        gateway = GatewayServer.start(kafka, GatewayConfig.defaults("gw-admin", TOKEN).withPort(0).withArchiveReaders(Map.of(APP, READER)),
                List.of(new AppSettings(APP, 1, 50)), control, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterAll
    void stop() {
        gateway.close();
        control.policies().close();
        control.registry().close();
        control.policyWriter().close();
        publisher.close();
    }

    @Test
    void refusesCallsWithoutATokenWith401AndWithAWrongOneWith403() throws Exception {
        assertThat(send("GET", "/v1/admin/models", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = send("GET", "/v1/admin/models", "Bearer not-the-token", null);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(JsonCodec.mapper().readTree(wrong.body()).path("where").asText()).isEqualTo("header Authorization");
    }

    @Test
    void listsRegisteredModelsWithTheirLineage() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode models = JsonCodec.mapper().readTree(send("GET", "/v1/admin/models", "Bearer " + TOKEN, null).body()).path("models");
            assertThat(models).hasSize(1);
            assertThat(models.get(0).path("ref").asText()).isEqualTo("claims-gbt@3");
            assertThat(models.get(0).path("lineage").path("seed").asInt()).isEqualTo(7);
            assertThat(models.get(0).path("alive").asBoolean(true)).isFalse();
        });
    }

    @Test
    void rejectsAnInvalidPolicyWithEveryProblemAndKeepsTheOneInForce() throws Exception {
        long before = currentVersion();
        HttpResponse<String> response = send("PUT", "/v1/admin/policies/claims", "Bearer " + TOKEN, """
                app: claims
                deadline: 50ms
                stages:
                  - until: 60ms
                    accept: [claims-gbt@3]
                  - accept: [nobody@1]
                """);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problems = JsonCodec.mapper().readTree(response.body()).path("problems");
        assertThat(problems.findValuesAsText("path")).contains("stages[0].until", "stages[1].accept[0]");
        assertThat(currentVersion()).isEqualTo(before);
    }

    @Test
    void storesAValidPolicyUnderANewVersionThatGetReturns() throws Exception {
        long before = currentVersion();
        HttpResponse<String> response = send("PUT", "/v1/admin/policies/claims", "Bearer " + TOKEN, """
                {"app": "claims", "deadline": "80ms", "stages": [{"until": "20ms", "accept": ["claims-gbt@3"]}, {"accept": ["any-live"]}],
                 "fallback": {"output": {"approve": false}}}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        long version = JsonCodec.mapper().readTree(response.body()).path("version").asLong();
        assertThat(version).isGreaterThan(before);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode current = JsonCodec.mapper().readTree(send("GET", "/v1/admin/policies/claims", "Bearer " + TOKEN, null).body());
            assertThat(current.path("version").asLong()).isEqualTo(version);
            assertThat(current.path("policy").path("fallback").path("output").path("approve").asBoolean(true)).isFalse();
        });
    }

    @Test
    void answersTraceRequestsWith404WhenNoArchiveIsConfigured() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/admin/trace/claims/some-request-1", "Bearer " + READER, null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JsonCodec.mapper().readTree(response.body()).path("error").asText()).contains("no archive is configured");
    }

    private long currentVersion() throws Exception {
        return JsonCodec.mapper().readTree(send("GET", "/v1/admin/policies/claims", "Bearer " + TOKEN, null).body()).path("version").asLong();
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
