package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.engine.Arbiters;
import dev.rendezvous.engine.RendezvousService;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.registry.LiveMembers;
import dev.rendezvous.registry.PolicyStore;
import dev.rendezvous.runner.RunnerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The rendezvous policy on the real platform with three demo runners: fraud-fm@1 fails on large
 * amounts, fraud-lr@1 answers 80 ms late and fails on huge amounts, the canary fraud-lr@2 is never
 * named by the policy.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RendezvousScenariosIT {
    private static final String TOKEN = "scenarios-admin-token";
    private static final ModelRef FM = ModelRef.parse("fraud-fm@1");
    private static final ModelRef LR = ModelRef.parse("fraud-lr@1");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Platform platform;
    private KafkaSettings kafka;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 4
                    retentionMs: 3600000
                    policy:
                      deadline: 2s
                      stages:
                        - until: 50ms
                          accept: [fraud-fm@1]
                        - accept: [fraud-fm@1, fraud-lr@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                """);
        Map<ModelRef, RunnerOptions> options = Map.of(
                FM, RunnerOptions.defaults().failingWhenFeatureAbove("amount", 5_000),
                LR, RunnerOptions.defaults().withDelayMs(80).failingWhenFeatureAbove("amount", 50_000));
        platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix("scenarios"), "scenarios", TOKEN, Map.of(
                "models.demoDir", dir.resolve("models").toString(),
                "archive.enabled", "false"))),
                ref -> options.getOrDefault(ref, RunnerOptions.defaults()));
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
    void servesByPolicyWhenModelsAreOnTimeLateOrFailingAndResultsAgreeWithEveryAnswer() throws Exception {
        // amount <= 5000: fraud-fm@1 answers at once.  5000 < amount <= 50000: fraud-fm@1 fails and
        // fraud-lr@1 answers after 80 ms (stage 2).  amount > 50000: both fail, the fallback is served.
        Map<String, String> expected = new LinkedHashMap<>();
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(3, 60);
        for (int i = 0; i < samples.size(); i++) {
            Map<String, Number> features = new HashMap<>(samples.get(i));
            String id = "scenario-" + i;
            switch (i % 3) {
                case 0 -> {
                    features.put("amount", 120.0);
                    expected.put(id, "model fraud-fm@1 preferred");
                }
                case 1 -> {
                    features.put("amount", 9_000.0);
                    expected.put(id, "model fraud-lr@1 stage-2");
                }
                default -> {
                    features.put("amount", 80_000.0);
                    expected.put(id, "fallback null@null fallback");
                }
            }
            pending.add(http.sendAsync(score(id, features), HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, String> answered = new HashMap<>();
        for (CompletableFuture<HttpResponse<String>> future : pending) {
            HttpResponse<String> response = future.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = JsonCodec.mapper().readTree(response.body());
            answered.put(answer.path("id").asText(), summary(answer.path("outcome").asText(), answer.path("model").asText(null),
                    answer.path("version").asText(null), answer.path("reason").asText()));
        }
        assertThat(answered).containsExactlyInAnyOrderEntriesOf(expected);

        Map<String, String> recorded = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicDump.read(kafka, kafka.topics().results("fraud"), expected.size(), Duration.ofSeconds(30))) {
            Decision decision = JsonCodec.decode(record.value(), Decision.class);
            if (expected.containsKey(decision.requestId())) {
                recorded.put(decision.requestId(), summary(decision.outcome().wireName(), decision.model(), decision.version(), decision.reason()));
            }
        }
        assertThat(recorded).isEqualTo(answered);
    }

    @Test
    @Order(2)
    void switchesTheServedModelWithinASecondOfAPolicyChangeUnderLoadWithoutAFailedRequest() throws Exception {
        AtomicInteger sequence = new AtomicInteger();
        List<Served> served = new ArrayList<>();
        long[] storedAt = new long[1];
        long[] newVersion = new long[1];
        CompletableFuture<Void> change = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1_500); // let the load run under the old policy first
                HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri("/v1/admin/policies/fraud"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .PUT(HttpRequest.BodyPublishers.ofString("""
                                app: fraud
                                deadline: 2s
                                stages:
                                  - accept: [fraud-lr@1, fraud-fm@1]
                                fallback: { output: { label: legit } }
                                """)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                newVersion[0] = JsonCodec.mapper().readTree(put.body()).path("version").asLong();
                storedAt[0] = System.currentTimeMillis();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long until = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < until) {
            List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
            long sentAt = System.currentTimeMillis();
            for (int i = 0; i < 10; i++) {
                Map<String, Number> features = new HashMap<>(DemoModels.sampleFeatures(sequence.get(), 1).get(0));
                features.put("amount", 100.0);
                wave.add(http.sendAsync(score("switch-" + sequence.incrementAndGet(), features), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> future : wave) {
                HttpResponse<String> response = future.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode answer = JsonCodec.mapper().readTree(response.body());
                served.add(new Served(sentAt, answer.path("model").asText() + "@" + answer.path("version").asText(), answer.path("policyVersion").asLong()));
            }
        }
        change.get();

        assertThat(served).filteredOn(s -> s.sentAtMs() < storedAt[0] - 1_000).isNotEmpty()
                .allSatisfy(s -> assertThat(s.model()).isEqualTo("fraud-fm@1"));
        List<Served> afterASecond = served.stream().filter(s -> s.sentAtMs() > storedAt[0] + 1_000).toList();
        assertThat(afterASecond).isNotEmpty().allSatisfy(s -> {
            assertThat(s.model()).isEqualTo("fraud-lr@1");
            assertThat(s.policyVersion()).isEqualTo(newVersion[0]);
        });
    }

    @Test
    @Order(3)
    void answersEveryRequestWhenOneOfTwoRendezvousInstancesStopsUnderLoad() throws Exception {
        PolicyStore policies = PolicyStore.start(kafka, "second-rendezvous-policies");
        RegistryView registry = RegistryView.start(kafka, "second-rendezvous-registry");
        RendezvousService second = RendezvousService.start(kafka, List.of("fraud"), kafka.topics().group("rendezvous"),
                Arbiters.following(policies, new LiveMembers(registry, System::currentTimeMillis)), new SimpleMeterRegistry(),
                System::currentTimeMillis);
        awaitGroupMembers(kafka.topics().group("rendezvous"), 2);
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();
        long stoppedAt = 0;
        try {
            for (int i = 0; i < 400; i++) {
                sentAt.add(System.currentTimeMillis());
                Map<String, Number> features = new HashMap<>(DemoModels.sampleFeatures(i, 1).get(0));
                pending.add(http.sendAsync(score("failover-" + i, features, Map.of("X-Deadline-Ms", "500")), HttpResponse.BodyHandlers.ofString()));
                if (i == 200) {
                    stoppedAt = System.currentTimeMillis();
                    second.close();
                }
                Thread.sleep(5); // an open-loop trickle of ~200 req/s, so that the stop lands mid-stream
            }
        } finally {
            second.close();
            policies.close();
            registry.close();
        }
        int late = 0;
        StringBuilder lateDetail = new StringBuilder();
        for (int i = 0; i < pending.size(); i++) {
            HttpResponse<String> response = pending.get(i).get();
            JsonNode answer = JsonCodec.mapper().readTree(response.body());
            assertThat(response.statusCode()).as(response.body()).isIn(200, 504);
            assertThat(answer.path("outcome").asText()).isIn("model", "fallback", "timeout");
            if (answer.path("latencyMs").asLong() > 500 && late++ < 10) {
                lateDetail.append(String.format(" [sent %+d ms, %d ms, %s]", sentAt.get(i) - stoppedAt, answer.path("latencyMs").asLong(), answer.path("outcome").asText()));
            }
            // By deadline + 2 s at the latest: the gateway's own timeout comes at deadline + grace.
            assertThat(answer.path("latencyMs").asLong()).isLessThanOrEqualTo(2_500);
        }
        System.out.printf("failover: %d of %d requests answered after their 500 ms deadline; the first ten:%s%n", late, pending.size(), lateDetail);
        // A clean stop drains what it holds and leaves the group, so lateness comes only from the requests sent to its
        // partitions during the hand-over: a bound, not a benchmark (a tenth of them on the loaded 2-core box).
        assertThat(late).as("requests answered after their deadline across the stop; the first ten:%s", lateDetail)
                .isLessThanOrEqualTo(pending.size() / 10);
    }

    private void awaitGroupMembers(String group, int members) {
        try (var admin = kafka.newAdmin("test-group-watch")) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return description.groupState() == org.apache.kafka.common.GroupState.STABLE && description.members().size() == members;
            });
        }
    }

    private record Served(long sentAtMs, String model, long policyVersion) {
    }

    private static String summary(String outcome, String model, String version, String reason) {
        return outcome + " " + model + "@" + version + " " + reason;
    }

    private HttpRequest score(String id, Map<String, Number> features) {
        return score(id, features, Map.of());
    }

    private HttpRequest score(String id, Map<String, Number> features, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/v1/score/fraud"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString(new String(JsonCodec.encode(Map.of("features", features)))));
        headers.forEach(builder::header);
        return builder.build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + platform.gatewayPort() + path);
    }
}
