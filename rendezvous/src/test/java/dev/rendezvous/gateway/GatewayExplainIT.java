package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.engine.Arbiters;
import dev.rendezvous.engine.RendezvousService;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.registry.ControlPlane;
import dev.rendezvous.registry.LiveMembers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Forensics in the HTTP answer (issue 13): on request, the answer carries the decision's candidates
 * and split variant exactly as {@code <app>.results} records them; a timeout of the gateway's own
 * lists the live models the policy would have waited for as late. The app {@code explained} has the
 * real rendezvous and two test runners; the app {@code orphan} has live models but no rendezvous, so
 * no decision ever reaches the gateway.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayExplainIT {
    private static final String APP = "explained";
    private static final String ORPHAN = "orphan";
    private static final String SCORE_BODY = "{\"features\": {\"a\": 1}}";
    private TestGateway gateway;
    private RegistryPublisher publisher;
    private RendezvousService rendezvous;
    private final List<ScoreDriver> runners = new ArrayList<>();

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("explain"));
        List<AppSettings> apps = List.of(new AppSettings(APP, 2, 2_000), new AppSettings(ORPHAN, 1, 300));
        Admin admin = kafka.newAdmin("test");
        ControlPlane control = TestGateway.controlPlane(kafka, admin, apps);
        publisher = new RegistryPublisher(kafka, "test-registry-writer");
        List<ModelRegistration> models = List.of(
                registration(APP, "explained-gbt", ModelRole.LIVE), registration(APP, "explained-lr", ModelRole.LIVE),
                registration(ORPHAN, "orphan-gbt", ModelRole.LIVE), registration(ORPHAN, "orphan-lr", ModelRole.LIVE),
                registration(ORPHAN, "orphan-nn", ModelRole.SHADOW));
        for (ModelRegistration model : models) {
            publisher.register(model);
            publisher.startHeartbeats(model, "test-runner", () -> true);
        }
        // A split so that splitVariant is a number, and two runners so that there is more than one candidate to compare.
        control.policyWriter().store(APP, JsonCodec.mapper().readTree("""
                {"app": "explained", "deadline": "2s", "stages": [{"accept": ["explained-gbt@1", "explained-lr@1"]}],
                 "split": [{"weight": 0.5, "prefer": ["explained-lr@1"]}, {"weight": 0.5, "prefer": ["explained-gbt@1"]}],
                 "fallback": {"output": {"score": 0.0}}}
                """), "test").get();
        control.policyWriter().store(ORPHAN, JsonCodec.mapper().readTree("""
                {"app": "orphan", "deadline": "300ms", "stages": [{"accept": ["orphan-lr@1", "orphan-gbt@1"]}]}
                """), "test").get();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> control.policies().current(APP).isPresent()
                && control.policies().current(ORPHAN).isPresent()
                && models.stream().allMatch(m -> control.registry().isAlive(m.app(), m.ref(), System.currentTimeMillis())));
        rendezvous = RendezvousService.start(kafka, List.of(APP), kafka.topics().group("rendezvous"),
                Arbiters.following(control.policies(), new LiveMembers(control.registry(), System::currentTimeMillis)),
                new SimpleMeterRegistry(), System::currentTimeMillis);
        for (String model : List.of("explained-gbt@1", "explained-lr@1")) {
            runners.add(new ScoreDriver(kafka, APP, 2, ModelRef.parse(model), request -> JsonCodec.mapper().createObjectNode().put("score", 0.5)));
        }
        gateway = TestGateway.start(kafka, admin, control, apps, c -> c.withReplyGraceMs(50), TraceLookup.NOT_CONFIGURED);
        // The rendezvous's consumer group takes a moment to get its partitions: wait until a model answers.
        int[] warmUp = {0};
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> json(gateway.post("/v1/score/" + APP, SCORE_BODY,
                Map.of(CallerHeaders.REQUEST_ID, "warm-up-" + warmUp[0]++))).path("outcome").asText().equals("model"));
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        for (ScoreDriver runner : runners) {
            runner.close();
        }
        rendezvous.close();
        publisher.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"query, explain-query-1", "header, explain-header-1"})
    void answersWithTheCandidatesAndSplitVariantOfTheDecisionRecordWhenAskedTo(String how, String id) throws Exception {
        String path = "/v1/score/" + APP + (how.equals("query") ? "?explain=true" : "");
        Map<String, String> headers = how.equals("header")
                ? Map.of(CallerHeaders.REQUEST_ID, id, CallerHeaders.EXPLAIN, "true") : Map.of(CallerHeaders.REQUEST_ID, id);

        HttpResponse<String> response = gateway.post(path, SCORE_BODY, headers);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response);
        JsonNode recorded = decisionRecord(APP, id);
        assertThat(answer.path("candidates").isArray() && !answer.path("candidates").isEmpty()).as(response.body()).isTrue();
        assertThat(answer.get("candidates")).isEqualTo(recorded.get("candidates"));
        assertThat(answer.get("splitVariant").isInt()).as(response.body()).isTrue();
        assertThat(answer.get("splitVariant")).isEqualTo(recorded.get("splitVariant"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({"'', no-explain-1", "?explain=false, explain-false-1"})
    void answersWithoutCandidatesOrSplitVariantUnlessAsked(String query, String id) throws Exception {
        HttpResponse<String> response = gateway.post("/v1/score/" + APP + query, SCORE_BODY, Map.of(CallerHeaders.REQUEST_ID, id));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.has("candidates")).isFalse();
        assertThat(answer.has("splitVariant")).isFalse();
        assertThat(answer.path("model").asText()).startsWith("explained-");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "?explain=maybe, '', query explain, explain must be true or false, was 'maybe'",
            "?explain=, '', query explain, explain must be true or false, was ''",
            "?explain=true&explain=false, '', query explain, explain is given twice",
            "'', yes, header X-Explain, X-Explain must be true or false, was 'yes'",
            "?explain=true, false, header X-Explain, ?explain=true contradicts X-Explain: false"})
    void refusesAnExplainValueOtherThanTrueOrFalseWith400NamingIt(String query, String header, String where, String error) throws Exception {
        long before = gateway.requestRecords(APP);
        Map<String, String> headers = header.isEmpty() ? Map.of() : Map.of(CallerHeaders.EXPLAIN, header);

        HttpResponse<String> v1 = gateway.post("/v1/score/" + APP + query, SCORE_BODY, headers);
        HttpResponse<String> oip = gateway.post("/v2/models/" + APP + "/infer" + query, inferBody("bad-explain-" + Math.abs((query + header).hashCode())), headers);

        for (HttpResponse<String> response : List.of(v1, oip)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(json(response).path("where").asText()).isEqualTo(where);
            assertThat(json(response).path("error").asText()).contains(error);
        }
        assertThat(gateway.requestRecords(APP)).as("nothing sent").isEqualTo(before);
    }

    @Test
    void putsTheCandidatesAndSplitVariantInTheOipParametersWhenAskedTo() throws Exception {
        HttpResponse<String> explained = gateway.post("/v2/models/" + APP + "/infer", inferBody("oip-explain-1"), Map.of(CallerHeaders.EXPLAIN, "true"));
        HttpResponse<String> plain = gateway.post("/v2/models/" + APP + "/infer", inferBody("oip-plain-1"), Map.of());

        assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
        JsonNode parameters = json(explained).path("parameters");
        JsonNode recorded = decisionRecord(APP, "oip-explain-1");
        assertThat(parameters.path("candidates").isTextual()).as("OIP parameters are flat: the JSON text").isTrue();
        assertThat(JsonCodec.mapper().readTree(parameters.path("candidates").asText())).isEqualTo(recorded.get("candidates"));
        assertThat(parameters.path("split_variant").asInt(-1)).isEqualTo(recorded.path("splitVariant").asInt());
        assertThat(json(plain).path("parameters").has("candidates")).isFalse();
        assertThat(json(plain).path("parameters").has("split_variant")).isFalse();
    }

    @Test
    void listsTheLiveModelsThePolicyWaitsForAsLateWhenNoDecisionReachesTheGateway() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/score/" + ORPHAN + "?explain=true", SCORE_BODY,
                Map.of(CallerHeaders.REQUEST_ID, "orphan-explain-1", CallerHeaders.DEADLINE_MS, "100"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
        JsonNode answer = json(response);
        assertThat(answer.path("outcome").asText()).isEqualTo("timeout");
        assertThat(answer.path("late").toString()).as("the shadow is live but never served: not late")
                .isEqualTo("[\"orphan-lr@1\",\"orphan-gbt@1\"]");
        assertThat(answer.path("explanation").asText()).startsWith(
                "no decision reached the gateway; registered live models: orphan-gbt@1, orphan-lr@1, orphan-nn@1;");
        assertThat(answer.has("candidates") && answer.get("candidates").isNull()).as("unknown to the gateway, not empty").isTrue();
        assertThat(answer.has("splitVariant") && answer.get("splitVariant").isNull()).as("the policy has no split").isTrue();
    }

    @Test
    void listsTheLateModelsOnItsOwnTimeoutEvenWithoutExplain() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/score/" + ORPHAN, SCORE_BODY, Map.of(CallerHeaders.DEADLINE_MS, "100"));

        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode answer = json(response);
        assertThat(answer.path("late").toString()).isEqualTo("[\"orphan-lr@1\",\"orphan-gbt@1\"]");
        assertThat(answer.has("explanation")).isFalse();
        assertThat(answer.has("candidates")).isFalse();
        assertThat(answer.path("error").asText()).isEqualTo("no decision arrived within the deadline of 100 ms");
    }

    @Test
    void listsTheLateModelsInTheOipParametersWhenNoDecisionReachesTheGateway() throws Exception {
        HttpResponse<String> response = gateway.post("/v2/models/" + ORPHAN + "/infer?explain=true", inferBody("orphan-oip-1"),
                Map.of(CallerHeaders.DEADLINE_MS, "100"));

        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode parameters = json(response).path("parameters");
        assertThat(parameters.path("late").asText()).isEqualTo("orphan-lr@1,orphan-gbt@1");
        assertThat(parameters.path("explanation").asText()).startsWith("no decision reached the gateway; registered live models: ");
        assertThat(parameters.has("candidates")).isFalse();
        parameters.fields().forEachRemaining(p -> assertThat(p.getValue().isValueNode() && !p.getValue().isNull())
                .as("OIP parameter %s is a string, number or boolean", p.getKey()).isTrue());
    }

    /** The decision the rendezvous recorded on {@code <app>.results} for the request, as JSON. */
    private JsonNode decisionRecord(String app, String requestId) throws Exception {
        String topic = gateway.kafka.topics().results(app);
        try (KafkaConsumer<String, byte[]> consumer = gateway.kafka.newStringKeyConsumer(null, "test-results-reader", "earliest")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            JsonNode[] found = new JsonNode[1];
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (requestId.equals(record.key())) {
                        found[0] = JsonCodec.mapper().readTree(record.value());
                    }
                }
                return found[0] != null;
            });
            return found[0];
        }
    }

    private static ModelRegistration registration(String app, String name, ModelRole role) {
        return new ModelRegistration(app, name, "1", role, "onnx", "ab", null, null, System.currentTimeMillis());
    }

    private static String inferBody(String id) {
        return "{\"id\": \"" + id + "\", \"inputs\": [{\"name\": \"a\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}";
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body());
    }
}
