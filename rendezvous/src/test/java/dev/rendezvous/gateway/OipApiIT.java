package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.registry.ControlPlane;
import dev.rendezvous.registry.LiveMembers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Open Inference Protocol v2 endpoints against fixtures written from the specification, with
 * the real rendezvous engine deciding and a test driver playing the runner of {@code fraud-gbt@7}.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OipApiIT {
    private static final String APP = "fraud";
    private static final String SIGNATURE = """
            {"inputs": [{"name": "input0", "datatype": "UINT32", "shape": [-1, 2]}, {"name": "input1", "datatype": "BOOL", "shape": [-1]}],
             "outputs": [{"name": "output0", "datatype": "FP32", "shape": [-1, 1]}]}""";
    private TestGateway gateway;
    private RegistryPublisher publisher;
    private RendezvousService rendezvous;
    private ScoreDriver runner;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("oip-api"));
        List<AppSettings> apps = List.of(new AppSettings(APP, 2, 2_000));
        Admin admin = kafka.newAdmin("test");
        ControlPlane control = TestGateway.controlPlane(kafka, admin, apps);
        publisher = new RegistryPublisher(kafka, "test-registry-writer");
        ModelRegistration gbt = new ModelRegistration(APP, "fraud-gbt", "7", ModelRole.LIVE, "onnx", "ab",
                JsonCodec.mapper().readTree(SIGNATURE), null, System.currentTimeMillis());
        publisher.register(gbt);
        publisher.register(new ModelRegistration(APP, "fraud-lr", "3", ModelRole.LIVE, "onnx", "cd", null, null, System.currentTimeMillis()));
        publisher.register(new ModelRegistration(APP, "fraud-new", "8", ModelRole.SHADOW, "onnx", "ef", null, null, System.currentTimeMillis()));
        publisher.startHeartbeats(gbt, "test-runner", () -> true);
        control.policyWriter().store(APP, JsonCodec.mapper().readTree("""
                {"app": "fraud", "deadline": "2s", "stages": [{"accept": ["fraud-gbt@7", "fraud-lr@3"]}], "fallback": {"output": {"score": 0.0}}}
                """), "test").get();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> control.policies().current(APP).isPresent()
                && control.registry().registrations().size() == 3 && control.registry().isAlive(APP, gbt.ref(), System.currentTimeMillis()));
        rendezvous = RendezvousService.start(kafka, List.of(APP), kafka.topics().group("rendezvous"),
                Arbiters.following(control.policies(), new LiveMembers(control.registry(), System::currentTimeMillis)),
                new SimpleMeterRegistry(), System::currentTimeMillis);
        runner = new ScoreDriver(kafka, APP, 2, ModelRef.parse("fraud-gbt@7"), request -> {
            long sum = 0;
            for (JsonNode value : request.inputs().get(0).data()) {
                sum += value.asLong();
            }
            return JsonCodec.mapper().createObjectNode().put("label", "fraud").set("output0", JsonCodec.mapper().createArrayNode().add(sum));
        });
        gateway = TestGateway.start(kafka, admin, control, apps, c -> c, TraceLookup.NOT_CONFIGURED);
        // The rendezvous's consumer group takes a moment to get its partitions: wait until a model answers.
        int[] warmUp = {0};
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> json(gateway.post("/v2/models/fraud/infer",
                inferBody("warm-up-" + warmUp[0]++), Map.of())).path("model_version").asText().equals("fraud-gbt@7"));
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        runner.close();
        rendezvous.close();
        publisher.close();
    }

    @Test
    void reportsServerHealthAndMetadataInTheSpecificationsShape() throws Exception {
        assertThat(gateway.get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/v2/health/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> metadata = gateway.get("/v2");

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(json(metadata)).isEqualTo(Fixtures.json("oip/server-metadata-response.json"));
    }

    @Test
    void describesTheAppAsAModelWithItsVersionsAndTheServedModelsSignature() throws Exception {
        JsonNode metadata = json(gateway.get("/v2/models/fraud"));

        assertThat(metadata.path("name").asText()).isEqualTo("fraud");
        assertThat(metadata.path("versions").toString()).isEqualTo("[\"fraud-gbt@7\",\"fraud-lr@3\",\"fraud-new@8\"]");
        assertThat(metadata.path("platform").asText()).isEqualTo("onnxruntime_onnx");
        assertThat(metadata.path("inputs")).isEqualTo(JsonCodec.mapper().readTree(SIGNATURE).path("inputs"));
        assertThat(metadata.path("outputs").get(0).path("shape").toString()).isEqualTo("[-1,1]");
    }

    @Test
    void describesOneVersionByNameAtVersionOrByABareUnambiguousVersion() throws Exception {
        JsonNode byRef = json(gateway.get("/v2/models/fraud/versions/fraud-lr@3"));
        JsonNode byEncodedRef = json(gateway.get("/v2/models/fraud/versions/fraud-lr%403"));
        JsonNode byVersion = json(gateway.get("/v2/models/fraud/versions/3"));

        assertThat(byRef.path("versions").toString()).isEqualTo("[\"fraud-lr@3\"]");
        assertThat(byRef.path("inputs").isArray() && byRef.path("inputs").isEmpty()).as("no signature registered").isTrue();
        assertThat(byEncodedRef).isEqualTo(byRef);
        assertThat(byVersion).isEqualTo(byRef);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/models/nosuch", "/v2/models/fraud/versions/9", "/v2/models/fraud/versions/fraud-gbt@9",
            "/v2/models/nosuch/ready", "/v2/models/fraud/versions/9/ready"})
    void answersUnknownModelsAndVersionsWith404AndAnOipError(String path) throws Exception {
        HttpResponse<String> response = gateway.get(path);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isNotBlank();
    }

    @Test
    void saysAModelOrVersionIsReadyOnlyWhenItsRunnerBeatsAndThePolicyServesIt() throws Exception {
        assertThat(gateway.get("/v2/models/fraud/ready").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/v2/models/fraud/versions/fraud-gbt@7/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> noRunner = gateway.get("/v2/models/fraud/versions/fraud-lr@3/ready");
        assertThat(noRunner.statusCode()).isEqualTo(400);
        assertThat(json(noRunner).path("ready").asBoolean(true)).isFalse();
        assertThat(gateway.get("/v2/models/fraud/versions/fraud-new@8/ready").statusCode()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"oip/infer-request-flat.json", "oip/infer-request-nested.json"})
    void infersFromNestedOrFlatDataAndAnswersWithTheServedModelsOutputs(String fixture) throws Exception {
        JsonNode request = Fixtures.json(fixture);
        HttpResponse<String> response = gateway.post("/v2/models/fraud/infer", request.toString(), Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("model_name").asText()).isEqualTo("fraud");
        assertThat(body.path("model_version").asText()).isEqualTo("fraud-gbt@7");
        assertThat(body.path("id").asText()).isEqualTo(request.path("id").asText());
        assertThat(body.path("parameters").path("served_model").asText()).isEqualTo("fraud-gbt@7");
        assertThat(body.path("parameters").path("reason").asText()).isEqualTo("preferred");
        assertThat(body.path("outputs").toString())
                .as("only output0 was asked for; the runner summed input0").isEqualTo(
                        "[{\"name\":\"output0\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[10]}]");
        ScoringRequest sent = JsonCodec.decode(gateway.requestOnTopic(APP, request.path("id").asText()).value(), ScoringRequest.class);
        assertThat(sent.inputs().get(0).data().toString()).isEqualTo("[1,2,3,4]");
        assertThat(sent.inputs().get(0).shape()).containsExactly(2L, 2L);
        assertThat(sent.pinnedModel()).isNull();
        assertThat(sent.budgetMs()).isEqualTo(fixture.contains("flat") ? 1_000 : 2_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fraud-gbt@7", "fraud-gbt%407", "7"})
    void pinsTheVersionNamedInThePath(String version) throws Exception {
        String id = "pinned-" + Math.abs(version.hashCode());
        HttpResponse<String> response = gateway.post("/v2/models/fraud/versions/" + version + "/infer", inferBody(id), Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("model_version").asText()).isEqualTo("fraud-gbt@7");
        assertThat(JsonCodec.decode(gateway.requestOnTopic(APP, id).value(), ScoringRequest.class).pinnedModel()).isEqualTo("fraud-gbt@7");
    }

    @Test
    void refusesToPinAVersionThePolicyNeverServesWith409() throws Exception {
        HttpResponse<String> response = gateway.post("/v2/models/fraud/versions/fraud-new@8/infer", inferBody("pin-shadow-1"), Map.of());

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json(response).path("error").asText()).contains("never serves fraud-new@8");
    }

    @Test
    void honoursATimeoutParameterAndStatesThatALongerOneWasClamped() throws Exception {
        ObjectNode body = (ObjectNode) JsonCodec.mapper().readTree(inferBody("clamped-1"));
        body.putObject("parameters").put("timeout", 10_000_000);

        JsonNode parameters = json(gateway.post("/v2/models/fraud/infer", body.toString(), Map.of())).path("parameters");

        assertThat(parameters.path("deadline_ms").asLong()).isEqualTo(2_000);
        assertThat(parameters.path("deadline_clamped").asBoolean()).isTrue();
    }

    @Test
    void refusesAnOutputTheServedModelsSignatureDoesNotHave() throws Exception {
        ObjectNode body = (ObjectNode) JsonCodec.mapper().readTree(inferBody("bad-output-1"));
        body.putArray("outputs").addObject().put("name", "nope");

        HttpResponse<String> response = gateway.post("/v2/models/fraud/infer", body.toString(), Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("where").asText()).isEqualTo("body.outputs[0].name");
    }

    static Stream<Arguments> invalidRequests() {
        return StreamSupport.stream(Fixtures.json("oip/infer-invalid-requests.json").spliterator(), false)
                .map(c -> Arguments.of(c.path("name").asText(), c.path("body").toString(), c.path("where").asText(), c.path("error").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void refusesInvalidInferRequestsWithAnOipErrorAndSendsNothing(String name, String body, String where, String error) throws Exception {
        long before = gateway.requestRecords(APP);

        HttpResponse<String> response = gateway.post("/v2/models/fraud/infer", body, Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode answer = json(response);
        assertThat(answer.path("error").asText()).contains(error);
        assertThat(answer.path("where").asText()).isEqualTo(where);
        assertThat(gateway.requestRecords(APP)).isEqualTo(before);
    }

    private static String inferBody(String id) {
        // Both inputs the signature declares: the gateway refuses a request without one, as a runner would.
        return "{\"id\": \"" + id + "\", \"inputs\": [{\"name\": \"input0\", \"shape\": [1, 2], \"datatype\": \"UINT32\", \"data\": [[3, 4]]}, "
                + "{\"name\": \"input1\", \"shape\": [1], \"datatype\": \"BOOL\", \"data\": [true]}]}";
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body());
    }
}
