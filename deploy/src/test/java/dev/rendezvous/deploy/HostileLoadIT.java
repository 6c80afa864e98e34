package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid HTTP traffic at ~100 req/s while a Kafka-native client misbehaves beside it: requests whose
 * reply topic does not exist (which used to stall the rendezvous for 60 s), records that copy an
 * HTTP request's id and name the gateway's reply topic just after it (whose decisions used to be served
 * to the real caller), and records that take an id just before the HTTP request that uses it (which
 * used to leave that request unanswered as a "duplicate"). The hostile records pin the canary, which
 * the policy lists last (so a caller's own request gets it only when both models before it fail), so
 * a forged answer is recognisable by its model.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class HostileLoadIT {
    private static final int REQUESTS = 500;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersEveryCallerWithItsOwnDecisionInTimeWhileHostileRecordsArrive(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 3
                    policy:
                      deadline: 1s
                      stages:
                        - accept: [fraud-fm@1, fraud-lr@1, fraud-lr@2]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                """);
        String prefix = EmbeddedKafkaExtension.uniquePrefix("hostile-load");
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, prefix, "hostile-load", "hostile-load-token",
                Map.of("models.demoDir", dir.resolve("models").toString(), "archive.enabled", "false"))));
             KafkaProducer<String, byte[]> attacker = platform.kafka().newProducer("attacker")) {
            KafkaSettings kafka = platform.kafka();
            String gatewayReplies = kafka.topics().replies("gw-hostile-load");
            // Warm up first (JIT, the first model calls, consumer fetch sessions): the deadline is about load, not start-up.
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> warm = http.send(PlatformProcesses.score(platform, "warm-" + i, new HashMap<>(DemoModels.sampleFeatures(1000 + i, 1).get(0))),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
            }
            Map<String, CompletableFuture<HttpResponse<String>>> answers = new LinkedHashMap<>();
            long start = System.currentTimeMillis();
            for (int i = 0; i < REQUESTS; i++) {
                String id = "load-" + i;
                if (i % 10 == 3) {
                    hostile(attacker, kafka, id, gatewayReplies); // takes the id first
                }
                Map<String, Number> features = new HashMap<>(DemoModels.sampleFeatures(i, 1).get(0));
                answers.put(id, http.sendAsync(PlatformProcesses.score(platform, id, features), HttpResponse.BodyHandlers.ofString()));
                if (i % 10 == 6) {
                    hostile(attacker, kafka, id, gatewayReplies); // copies the id just after
                }
                if (i % 10 == 8) {
                    hostile(attacker, kafka, "stall-" + i, "no-such-client.replies");
                }
                Thread.sleep(10);
            }
            long slowest = 0;
            for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> answer : answers.entrySet()) {
                HttpResponse<String> response = answer.getValue().get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as("%s: %s", answer.getKey(), response.body()).isEqualTo(200);
                JsonNode body = JsonCodec.mapper().readTree(response.body());
                assertThat(body.path("model").asText() + "@" + body.path("version").asText())
                        .as("%s was answered by the hostile record's canary: a forged answer", answer.getKey()).isNotEqualTo("fraud-lr@2");
                assertThat(body.path("latencyMs").asLong()).as("%s answered by its 1 s deadline", answer.getKey()).isLessThanOrEqualTo(1_000);
                slowest = Math.max(slowest, body.path("latencyMs").asLong());
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String foreign = metrics.lines().filter(line -> line.startsWith("rdv_gateway_replies_foreign_total")).findFirst().orElse("none");
            System.out.printf("hostile load: %d HTTP requests in %d ms beside %d hostile records, all answered 200 by their own decision;"
                            + " slowest %d ms; %s%n", REQUESTS, System.currentTimeMillis() - start, REQUESTS / 10 * 3, slowest, foreign);
        }
    }

    private static void hostile(KafkaProducer<String, byte[]> attacker, KafkaSettings kafka, String id, String replyTo) {
        long now = System.currentTimeMillis();
        ScoringRequest request = new ScoringRequest(id, "fraud", JsonCodec.mapper().valueToTree(DemoModels.sampleFeatures(7, 1).get(0)), null,
                now, now + 1_000, replyTo, "fraud-lr@2");
        attacker.send(new ProducerRecord<>(kafka.topics().requests("fraud"), id, JsonCodec.encode(request)));
    }
}
