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
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.runner.cli.ModelCommand;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A data scientist's day, under continuous load: `model deploy` puts fraud-xgb@1 beside the running
 * models (shadow: scored, never served), `model promote` makes it live and so served, `model retire`
 * stops it — without a restart and without a failed request.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ModelDeployIT {

    @Test
    void deploysANewVersionInShadowAndPromotesItUnderLoadWithoutAFailedRequest(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        // Stage 1 takes any *live* fraud-xgb version: a shadow one is never served, a promoted one is at once.
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 2
                    retentionMs: 3600000
                    policy:
                      deadline: 2s
                      stages:
                        - until: 1s
                          accept: [fraud-xgb@*]
                        - accept: [fraud-fm@1]
                """);
        String prefix = EmbeddedKafkaExtension.uniquePrefix("model-deploy");
        Path models = dir.resolve("models");
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, prefix, "model-deploy", "model-deploy-admin-token", Map.of(
                "models.demoDir", models.toString(),
                "archive.enabled", "false"))))) {
            Path manifest = newVersionManifest(models);
            Load load = new Load(platform.gatewayPort()).start();
            String[] kafkaArgs = {"--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix};
            CompletableFuture<Integer> deployed = CompletableFuture.supplyAsync(
                    () -> new CommandLine(new ModelCommand()).execute(concat(new String[] {"deploy", manifest.toString()}, kafkaArgs)));

            // In shadow: it scores live traffic, but fraud-fm@1 is still what is served.
            KafkaSettings kafka = platform.kafka();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> scoresBy(kafka, "fraud-xgb") > 20);
            int servedBeforePromotion = load.served("fraud-xgb@1");
            assertThat(servedBeforePromotion).isZero();

            assertThat(new CommandLine(new ModelCommand()).execute(concat(new String[] {"promote", "fraud", "fraud-xgb@1"}, kafkaArgs))).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> load.served("fraud-xgb@1") > 20);

            assertThat(new CommandLine(new ModelCommand()).execute(concat(new String[] {"retire", "fraud", "fraud-xgb@1"}, kafkaArgs))).isZero();
            assertThat(deployed.get()).as("model deploy ends when its version is retired").isZero();
            load.stop();

            assertThat(load.failures).as("failed requests").isEmpty();
            assertThat(load.answers.size()).isGreaterThan(50);
        }
    }

    /** A new model family for the same app: the demo FM artifact under a new name, as a data scientist would ship it. */
    private static Path newVersionManifest(Path models) throws Exception {
        String fm = Files.readString(models.resolve("fraud-fm-1.yaml"));
        Path manifest = models.resolve("fraud-xgb-1.yaml");
        Files.writeString(manifest, fm.replace("name: fraud-fm", "name: fraud-xgb").replace("role: live", "role: shadow"));
        return manifest;
    }

    private static long scoresBy(KafkaSettings kafka, String model) {
        List<ConsumerRecord<byte[], byte[]>> scores = TopicDump.read(kafka, kafka.topics().scores("fraud"), Integer.MAX_VALUE, Duration.ofMillis(500));
        return scores.stream().filter(r -> JsonCodec.decode(r.value(), ModelScore.class).model().equals(model)).count();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A steady trickle of requests (about 50/s) that records every answer. */
    private static final class Load {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> answers = new CopyOnWriteArrayList<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private Thread thread;

        Load(int port) {
            this.port = port;
        }

        Load start() {
            thread = new Thread(() -> {
                List<Map<String, Number>> samples = DemoModels.sampleFeatures(17, 100);
                for (int i = 0; running.get() && i < 100_000; i++) {
                    String body = new String(JsonCodec.encode(Map.of("features", samples.get(i % samples.size()))));
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score/fraud"))
                                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        JsonNode answer = JsonCodec.mapper().readTree(response.body());
                        if (response.statusCode() != 200 || !"model".equals(answer.path("outcome").asText())) {
                            failures.add(response.statusCode() + " " + response.body());
                        } else {
                            answers.add(answer.path("model").asText() + "@" + answer.path("version").asText());
                        }
                        Thread.sleep(20); // pacing, not waiting for a result
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "model-deploy-load");
            thread.start();
            return this;
        }

        int served(String ref) {
            return (int) new ArrayList<>(answers).stream().filter(ref::equals).count();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(15_000);
        }
    }
}
