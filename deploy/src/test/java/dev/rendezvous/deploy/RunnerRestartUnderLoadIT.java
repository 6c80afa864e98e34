package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the model process under load, and its restart, as an operator would: the models run in a
 * process of their own ({@code up --set services=[models]} with a fixed management port, hence a stable
 * static member name), the rest of the platform in this one. Every request is answered (the fallback
 * while no model runs), and once the restarted process is up the models answer again at once — it takes its partitions back as the same static member instead of waiting out the dead
 * member's session, and it beats "live" only once it owns them.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunnerRestartUnderLoadIT {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aRestartedModelProcessServesAgainAsSoonAsItIsUpAndEveryRequestIsAnswered(EmbeddedKafkaBroker broker, @TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 3
                    policy:
                      deadline: 300ms
                      stages:
                        - accept: [fraud-fm@1, fraud-lr@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                """);
        String prefix = EmbeddedKafkaExtension.uniquePrefix("runner-restart");
        Path models = dir.resolve("models");
        DemoModels.ensure(models);
        Map<String, String> overrides = new HashMap<>(TestPlatforms.overrides(broker, prefix, "runner-restart", "runner-restart-token",
                Map.of("models.demoDir", models.toString(), "archive.enabled", "false")));
        overrides.put("services", "[gateway, rendezvous, decoy]");
        int modelsPort = freePort();
        Process runners = startModels(broker, prefix, config, models, modelsPort, Path.of("target", "runner-restart-models-1.log"));
        try (Platform platform = Platform.start(ConfigLoader.load(config, overrides))) {
            awaitModelAnswers(platform, "warm", 60);
            List<Answer> answers = new ArrayList<>();
            long killedAt = 0;
            long restartedAt = 0;
            long upAgainAt = 0;
            long end = System.currentTimeMillis() + 60_000;
            int i = 0;
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            List<Long> sentAt = new ArrayList<>();
            while (System.currentTimeMillis() < end) {
                sentAt.add(System.currentTimeMillis());
                inFlight.add(http.sendAsync(PlatformProcesses.score(platform, "restart-" + i, DemoModels.sampleFeatures(i, 1).get(0)), HttpResponse.BodyHandlers.ofString()));
                if (i == 200) {
                    killedAt = System.currentTimeMillis();
                    runners.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    restartedAt = System.currentTimeMillis();
                    runners = startModels(broker, prefix, config, models, modelsPort, Path.of("target", "runner-restart-models-2.log"));
                }
                if (restartedAt > 0 && upAgainAt == 0 && i % 20 == 0 && i > 200) {
                    // Has a model answered a request sent after the restart? Check the ones already complete.
                    for (int j = inFlight.size() - 1; j > 200; j--) {
                        CompletableFuture<HttpResponse<String>> f = inFlight.get(j);
                        if (f.isDone() && sentAt.get(j) > restartedAt && "model".equals(JsonCodec.mapper().readTree(f.get().body()).path("outcome").asText())) {
                            upAgainAt = sentAt.get(j);
                            end = Math.min(end, System.currentTimeMillis() + 4_000);
                            break;
                        }
                    }
                }
                i++;
                Thread.sleep(10);
            }
            for (int j = 0; j < inFlight.size(); j++) {
                HttpResponse<String> response = inFlight.get(j).get(30, TimeUnit.SECONDS);
                answers.add(new Answer(sentAt.get(j), response.statusCode(), JsonCodec.mapper().readTree(response.body())));
            }
            assertThat(upAgainAt).as("a model answered again after the restart").isPositive();
            long servingAgainAt = upAgainAt;
            long fallbacks = answers.stream().filter(a -> "fallback".equals(a.body().path("outcome").asText())).count();
            long shed = answers.stream().filter(a -> a.status() == 503).count();
            // 2 s, not 1: the restarted JVM's JIT takes both cores of this box for its first seconds, and a clean-clone CI
            // run saw 6 answers 1-2 s after the first model answer miss the 300 ms deadline that way (2026-12-07).
            List<String> notServedAfterUp = answers.stream().filter(a -> a.sentAtMs() > servingAgainAt + 2_000 && a.status() == 200)
                    .filter(a -> !"model".equals(a.body().path("outcome").asText()))
                    .map(a -> "+" + (a.sentAtMs() - servingAgainAt) + " ms: " + a.body()).toList();
            long slowest = answers.stream().mapToLong(a -> a.body().path("latencyMs").asLong()).max().orElse(0);
            // Reported, not asserted: while the restarted JVM starts, it takes both cores of this box and a few
            // answers come up to ~200 ms past the deadline (docs/reliability.md; the deadline-true issue's work).
            long lateAnswers = answers.stream().filter(a -> a.body().path("latencyMs").asLong() > 300 + 20).count();
            // 503: the gateway's latency shedder, when the starting JVM takes both cores; an explicit, immediate answer too.
            assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body().toString()).isIn(200, 503));
            assertThat(slowest).as("every answer well before the gateway's own timeout (deadline + 500 ms grace)").isLessThan(800);
            assertThat(notServedAfterUp).as("requests sent more than 2 s after the models answered again that got no model answer").isEmpty();
            System.out.printf("model process kill -9 and restart under ~100 req/s: %d requests, %d fallbacks, %d shed (503), %d more than 20 ms late, slowest answer %d ms;"
                            + " killed at +0, restarted at +%d ms, models answering again for requests sent from +%d ms%n",
                    answers.size(), fallbacks, shed, lateAnswers, slowest, restartedAt - killedAt, upAgainAt - killedAt);
        } finally {
            runners.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private record Answer(long sentAtMs, int status, JsonNode body) {
    }

    private void awaitModelAnswers(Platform platform, String idPrefix, int seconds) throws Exception {
        long until = System.currentTimeMillis() + seconds * 1000L;
        int n = 0;
        while (System.currentTimeMillis() < until) {
            HttpResponse<String> response = http.send(PlatformProcesses.score(platform, idPrefix + "-" + n++, DemoModels.sampleFeatures(n, 1).get(0)),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && "model".equals(JsonCodec.mapper().readTree(response.body()).path("outcome").asText())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no model answered within " + seconds + " s");
    }

    private static Process startModels(EmbeddedKafkaBroker broker, String prefix, Path config, Path models, int managementPort, Path log)
            throws Exception {
        return PlatformProcesses.up(config, List.of("services=[models]", "kafka.embedded=false", "kafka.bootstrapServers=" + broker.bootstrapServers(),
                "kafka.topicPrefix=" + prefix, "models.demoDir=" + models, "management.port=" + managementPort,
                "gateway.adminToken=runner-restart-token"), "512m", log);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
