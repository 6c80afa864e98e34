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
import dev.rendezvous.runner.cli.ModelCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An app created while the platform runs: {@code POST /v1/admin/apps} creates its topics and seeds
 * its policy, {@code model deploy} runs a model for it, and the running gateway, rendezvous, decoy and
 * archiver take it up — a request to it is answered by the model, without a restart.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AppCreationIT {
    private static final String TOKEN = "app-creation-admin-token";
    private static final String LOANS = """
            {"name": "loans", "partitions": 2, "retentionMs": 3600000,
             "policy": {"deadline": "2s", "stages": [{"accept": ["loans-lr@1"]}],
                        "fallback": {"output": {"label": "legit"}, "reason": "no model answered in time"}}}""";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void createsAnAppThatTheRunningPlatformServesOnceAModelIsDeployed(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        String prefix = EmbeddedKafkaExtension.uniquePrefix("app-creation");
        Path models = dir.resolve("models");
        Path archive = dir.resolve("archive");
        try (Platform platform = Platform.start(ConfigLoader.load(null, TestPlatforms.overrides(broker, prefix, "app-creation", TOKEN, Map.of(
                "models.demoDir", models.toString(),
                "archive.dir", archive.toString()))))) {
            int port = platform.gatewayPort();

            HttpResponse<String> anonymous = post(port, "/v1/admin/apps", LOANS, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);

            assertRefused(post(port, "/v1/admin/apps", LOANS.replace("\"partitions\": 2", "\"partitions\": 0"), TOKEN), "body.partitions");
            assertRefused(post(port, "/v1/admin/apps", LOANS.replace("\"name\": \"loans\"", "\"name\": \"Loans!\""), TOKEN), "body.name");
            assertRefused(post(port, "/v1/admin/apps", "{\"name\": \"loans\"}", TOKEN), "body.policy");
            assertRefused(post(port, "/v1/admin/apps", LOANS.replace("\"stages\"", "\"stagez\""), TOKEN), "body.policy.stagez");
            assertThat(post(port, "/v1/score/loans", features(), null).statusCode()).as("nothing was created by the refused bodies").isEqualTo(404);

            HttpResponse<String> created = post(port, "/v1/admin/apps", LOANS, TOKEN);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode body = JsonCodec.mapper().readTree(created.body());
            assertThat(body.path("partitions").asInt()).isEqualTo(2);
            assertThat(body.path("topics").toString()).contains(prefix + "loans.requests", prefix + "loans.scores", prefix + "loans.decoy");
            assertThat(body.path("policyVersion").asLong()).isPositive();

            // The admin API knows it at once: its policy can be replaced (a 404 "unknown app" before).
            HttpResponse<String> replaced = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/policies/loans"))
                    .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString(
                            "app: loans\ndeadline: 3s\nstages:\n  - accept: [loans-lr@1]\nfallback: {output: {label: legit}, reason: no model answered in time}\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
            assertThat(JsonCodec.mapper().readTree(replaced.body()).path("version").asLong()).isGreaterThan(body.path("policyVersion").asLong());

            HttpResponse<String> duplicate = post(port, "/v1/admin/apps", LOANS, TOKEN);
            assertThat(duplicate.statusCode()).isEqualTo(409);
            assertThat(JsonCodec.mapper().readTree(duplicate.body()).path("where").asText()).isEqualTo("body.name");
            assertThat(post(port, "/v1/admin/apps", LOANS.replace("\"loans\"", "\"fraud\"").replace("loans-lr", "fraud-lr"), TOKEN).statusCode())
                    .as("a configured app exists too").isEqualTo(409);

            // The CLI goes through the same route.
            Path policy = dir.resolve("cards-policy.yaml");
            Files.writeString(policy, "deadline: 100ms\nstages:\n  - accept: [any-live]\nfallback: {output: {label: legit}, reason: none in time}\n");
            String[] create = {"app", "create", "cards", "--policy", policy.toString(), "--partitions", "1", "--gateway", "http://127.0.0.1:" + port,
                    "--admin-token", TOKEN};
            assertThat(Main.newCommandLine().execute(create)).isZero();
            java.io.StringWriter err = new java.io.StringWriter();
            CommandLine again = Main.newCommandLine();
            again.setErr(new java.io.PrintWriter(err, true));
            assertThat(again.execute(create)).isEqualTo(1);
            assertThat(err.toString()).contains("app create: 409 app 'cards' exists already").contains("(where: body.name)");

            // model deploy, as a data scientist runs it: the demo LR artifact, shipped as the new app's model.
            Path manifest = models.resolve("loans-lr-1.yaml");
            Files.writeString(manifest, Files.readString(models.resolve("fraud-lr-1.yaml"))
                    .replace("app: fraud", "app: loans").replace("name: fraud-lr", "name: loans-lr"));
            String[] kafkaArgs = {"--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", prefix};
            CompletableFuture<Integer> deployed = CompletableFuture.supplyAsync(
                    () -> new CommandLine(new ModelCommand()).execute(concat(new String[] {"deploy", manifest.toString()}, kafkaArgs)));
            try {
                // The runner joins its group and beats; the rendezvous takes the app up when its policy arrives.
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    HttpResponse<String> scored = post(port, "/v1/score/loans", features(), null);
                    JsonNode answer = JsonCodec.mapper().readTree(scored.body());
                    assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
                    assertThat(answer.path("outcome").asText()).as(scored.body()).isEqualTo("model");
                    assertThat(answer.path("model").asText()).isEqualTo("loans-lr");
                });
                KafkaSettings kafka = platform.kafka();
                Awaitility.await("the decoy copies the new app's requests").atMost(Duration.ofSeconds(30))
                        .until(() -> !TopicDump.read(kafka, kafka.topics().decoy("loans"), 1, Duration.ofMillis(500)).isEmpty());
                Awaitility.await("the archiver archives the new app").atMost(Duration.ofSeconds(30))
                        .until(() -> hasFiles(archive.resolve("loans")));
            } finally {
                new CommandLine(new ModelCommand()).execute(concat(new String[] {"retire", "loans", "loans-lr@1"}, kafkaArgs));
                deployed.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private void assertRefused(HttpResponse<String> response, String where) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(response.body()).path("where").asText()).as(response.body()).isEqualTo(where);
    }

    private static String features() {
        return new String(JsonCodec.encode(Map.of("features", DemoModels.sampleFeatures(5, 1).get(0))));
    }

    private static boolean hasFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }

    private HttpResponse<String> post(int port, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
