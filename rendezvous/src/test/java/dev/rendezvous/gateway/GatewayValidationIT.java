package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.kafka.RegistryView;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import dev.rendezvous.protocol.RecordHeaders;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayValidationIT {
    private static final String APP = "shop";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private KafkaSettings kafka;
    private GatewayServer gateway;
    private ControlPlane control;
    private static final String TOKEN = "test-admin-token-0123456789";
    private Admin admin;

    @BeforeAll
    void startGateway(EmbeddedKafkaBroker broker) throws Exception {
        kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-validation"));
        admin = kafka.newAdmin("test");
        new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(kafka.topics(), 1).appTopics(APP, 2, 3_600_000));
        new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(kafka.topics(), 1).controlTopics());
        control = new ControlPlane(PolicyStore.start(kafka, "test-policies"), RegistryView.start(kafka, "test-registry"),
                new PolicyWriterClient(kafka, "test-policy-writer"));
        gateway = GatewayServer.start(kafka, GatewayConfig.defaults("gw-validation", TOKEN).withPort(0),
                List.of(new AppSettings(APP, 2, 200)), control, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterAll
    void stopGateway() {
        gateway.close();
        control.policies().close();
        control.registry().close();
        control.policyWriter().close();
        admin.close();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("malformed JSON", "/v1/score/shop", "application/json", "{\"features\": {\"a\": 1", 400, "body.features.a", "ends before the JSON is complete"),
                Arguments.of("empty body", "/v1/score/shop", "application/json", "", 400, "body", "empty"),
                Arguments.of("JSON array body", "/v1/score/shop", "application/json", "[1,2]", 400, "body", "JSON object"),
                Arguments.of("missing features", "/v1/score/shop", "application/json", "{\"id\": \"a1\"}", 400, "body.features", "no 'features'"),
                Arguments.of("features not an object", "/v1/score/shop", "application/json", "{\"features\": [1, 2]}", 400, "body.features", "must be a JSON object"),
                Arguments.of("bad request id", "/v1/score/shop", "application/json", "{\"id\": \"has space\", \"features\": {}}", 400, "body.id", "may contain only"),
                Arguments.of("numeric request id", "/v1/score/shop", "application/json", "{\"id\": 7, \"features\": {}}", 400, "body.id", "must be a string"),
                Arguments.of("unknown app", "/v1/score/nosuchapp", "application/json", "{\"features\": {}}", 404, "path app", "unknown app 'nosuchapp'"),
                Arguments.of("wrong content type", "/v1/score/shop", "text/plain", "{\"features\": {}}", 415, "header Content-Type", "application/json"),
                Arguments.of("unknown endpoint", "/v1/nothing", "application/json", "{}", 404, "path", "no such endpoint"));
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("badRequests")
    void rejectsBadRequestsWithAJsonErrorSayingWhatAndWhere(String name, String path, String contentType, String body,
                                                            int status, String where, String messagePart) throws Exception {
        HttpResponse<String> response = post(path, contentType, body, Map.of());

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = JsonCodec.mapper().readTree(response.body());
        assertThat(error.path("error").asText()).contains(messagePart);
        assertThat(error.path("where").asText()).isEqualTo(where);
        assertThat(error.path("status").asInt()).isEqualTo(status);
    }

    @Test
    void rejectsABadDeadlineHeader() throws Exception {
        HttpResponse<String> response = post("/v1/score/shop", "application/json", "{\"features\": {\"a\": 1}}", Map.of("X-Deadline-Ms", "soon"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(response.body()).path("where").asText()).isEqualTo("header X-Deadline-Ms");
    }

    @Test
    void rejectsABodyLargerThanTheLimitWith413() throws Exception {
        String huge = "{\"features\": {\"a\": \"" + "x".repeat(2 << 20) + "\"}}";
        HttpResponse<String> response = post("/v1/score/shop", "application/json", huge, Map.of());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JsonCodec.mapper().readTree(response.body()).path("error").asText()).contains("larger");
    }

    @Test
    void producesNothingToKafkaForRejectedRequests() throws Exception {
        long before = requestRecords();
        for (Arguments bad : badRequests().toList()) {
            Object[] a = bad.get();
            post((String) a[1], (String) a[2], (String) a[3], Map.of());
        }
        post("/v1/score/shop", "application/json", "{\"features\": {\"a\": 1}}", Map.of("X-Deadline-Ms", "nope"));

        assertThat(requestRecords()).isEqualTo(before);
    }

    @Test
    void clampsADeadlineLongerThanThePolicyAllowsAndSaysSo() throws Exception {
        HttpResponse<String> response = post("/v1/score/shop", "application/json", "{\"features\": {\"a\": 1}}",
                Map.of("X-Deadline-Ms", "60000"));

        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(body.path("deadlineMs").asLong()).isEqualTo(200);
        assertThat(body.path("deadlineClamped").asBoolean()).isTrue();
        assertThat(body.path("requestedDeadlineMs").asLong()).isEqualTo(60000);
        assertThat(response.headers().firstValue("X-Deadline-Ms")).hasValue("200");
    }

    @Test
    void copiesAWellFormedTraceparentOntoTheRequestRecordAndDropsAMalformedOne() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        post("/v1/score/shop", "application/json", "{\"features\": {\"a\": 1}}",
                Map.of("X-Request-Id", "traced-1", "X-Deadline-Ms", "5", "traceparent", traceparent));
        post("/v1/score/shop", "application/json", "{\"features\": {\"a\": 1}}",
                Map.of("X-Request-Id", "traced-2", "X-Deadline-Ms", "5", "traceparent", "00-not-a-trace-01"));

        Map<String, ConsumerRecord<String, byte[]>> records = new java.util.HashMap<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            readRequests().forEach(r -> records.put(r.key(), r));
            return records.containsKey("traced-1") && records.containsKey("traced-2");
        });
        assertThat(RecordHeaders.text(records.get("traced-1").headers(), RecordHeaders.TRACEPARENT)).hasValue(traceparent);
        assertThat(RecordHeaders.text(records.get("traced-2").headers(), RecordHeaders.TRACEPARENT)).isEmpty();
    }

    @Test
    void rejectsARequestIdAlreadyInFlightWith409() throws Exception {
        // Sent together: whichever arrives second finds the first in flight (it waits 200 ms + grace for a decision).
        var first = postAsync("{\"features\": {\"a\": 1}}", Map.of("X-Request-Id", "twice-1"));
        var second = postAsync("{\"id\": \"twice-1\", \"features\": {\"a\": 2}}", Map.of());

        List<HttpResponse<String>> answers = List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(409, 504);
        HttpResponse<String> refused = answers.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
        assertThat(JsonCodec.mapper().readTree(refused.body()).path("error").asText()).contains("already in flight");
    }

    static Stream<Arguments> limitBreaches() {
        return Stream.of(
                Arguments.of("nesting deeper than 32", "{\"features\": {\"a\": " + "[".repeat(40) + "]".repeat(40) + "}}", "body", "nesting depth"),
                Arguments.of("array longer than 100000", "{\"features\": {\"a\": [" + "0,".repeat(100_000) + "0]}}", "body.features.a", "100001 elements"),
                Arguments.of("id header differs from body id", "{\"id\": \"other\", \"features\": {}}", "header X-Request-Id", "differs"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limitBreaches")
    void rejectsBodiesBeyondTheJsonLimitsWithAPreciseError(String name, String body, String where, String messagePart) throws Exception {
        HttpResponse<String> response = post("/v1/score/shop", "application/json", body, Map.of("X-Request-Id", "limits-1"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JsonCodec.mapper().readTree(response.body());
        assertThat(error.path("where").asText()).isEqualTo(where);
        assertThat(error.path("error").asText()).contains(messagePart);
    }

    @Test
    void answersWithAnExplicitTimeoutWhenNoRendezvousRuns() throws Exception {
        HttpResponse<String> response = post("/v1/score/shop", "application/json", "{\"features\": {\"a\": 1}}",
                Map.of("X-Request-Id", "lonely-1", "X-Deadline-Ms", "50"));

        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(body.path("id").asText()).isEqualTo("lonely-1");
        assertThat(body.path("outcome").asText()).isEqualTo("timeout");
        assertThat(body.path("deadlineMs").asLong()).isEqualTo(50);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("lonely-1");
    }

    @Test
    void reportsLiveAndReady() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        // No rendezvous runs here, so once other tests' requests timed out the app is reported as not
        // being decided (GatewayReadinessIT covers that); nothing else may be wrong.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/health/ready");
            if (ready.statusCode() != 200) {
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(JsonCodec.mapper().readTree(ready.body()).path("problems")).isNotEmpty()
                        .allSatisfy(problem -> assertThat(problem.asText()).contains("got no decision by their deadline"));
            }
        });
    }

    private HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/score/shop"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long requestRecords() throws Exception {
        String topic = kafka.topics().requests(APP);
        return admin.listOffsets(Map.of(
                        new TopicPartition(topic, 0), OffsetSpec.latest(),
                        new TopicPartition(topic, 1), OffsetSpec.latest()))
                .all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    private List<ConsumerRecord<String, byte[]>> readRequests() {
        List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = kafka.newStringKeyConsumer(null, "test-reader", "earliest")) {
            List<TopicPartition> partitions = List.of(new TopicPartition(kafka.topics().requests(APP), 0),
                    new TopicPartition(kafka.topics().requests(APP), 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (int i = 0; i < 5; i++) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
