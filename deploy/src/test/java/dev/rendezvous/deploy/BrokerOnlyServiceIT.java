package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.protocol.JsonCodec;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --set services=[kafka]}: the embedded broker alone, in a process of its own with its data
 * directory, creating the platform's topics — so that every other service can run in its own process
 * against it, as docs/operations.md describes. The rest of the platform runs in this JVM against it.
 */
class BrokerOnlyServiceIT {
    private static final Pattern BOOTSTRAP = Pattern.compile("Kafka: (\\S+) \\(point the other services");

    @Test
    void runsTheBrokerAloneForTheOtherServicesToUse(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, "kafka:\n  dataDir: " + dir.resolve("kafka") + "\n");
        Path log = dir.resolve("broker.log");
        Process broker = PlatformProcesses.up(config, List.of("services=[kafka]", "kafka.embeddedPort=0", "management.port=0"), "384m", log);
        try {
            String bootstrap = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> bootstrapIn(log), b -> b != null || !broker.isAlive());
            assertThat(bootstrap).as("the broker process printed where it listens; its log:%n%s", Files.readString(log)).isNotNull();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .as("the broker process created the platform's topics")
                        .contains("rdv.policies", "rdv.models", "fraud.requests", "fraud.scores", "fraud.results", "fraud.decoy");
            }

            Map<String, String> rest = new HashMap<>(Map.of("kafka.embedded", "false", "kafka.bootstrapServers", bootstrap,
                    "gateway.port", "0", "gateway.adminToken", "broker-only-admin-token", "management.port", "0",
                    "models.demoDir", dir.resolve("models").toString(), "archive.dir", dir.resolve("archive").toString()));
            try (Platform platform = Platform.start(ConfigLoader.load(null, rest))) {
                HttpClient http = HttpClient.newHttpClient();
                // The first calls after start-up may miss the 100 ms deadline on a busy machine (JIT, first model calls,
                // fetch sessions): every answer must be a 200, and within a bounded number a model must answer.
                List<String> answers = new java.util.ArrayList<>();
                boolean modelAnswered = false;
                for (int i = 1; i <= 30 && !modelAnswered; i++) {
                    HttpResponse<String> response = http.send(PlatformProcesses.score(platform, "broker-only-" + i,
                            new HashMap<>(DemoModels.sampleFeatures(i, 1).get(0))), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    answers.add(response.body());
                    modelAnswered = "model".equals(JsonCodec.mapper().readTree(response.body()).path("outcome").asText());
                }
                assertThat(modelAnswered).as("a model answered through the broker process; answers: %s", answers).isTrue();
            }
        } finally {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
        assertThat(broker.exitValue()).as("a SIGTERM stops the broker process cleanly").isZero();
        assertThat(dir.resolve("kafka").resolve("meta.properties")).as("the broker kept its data directory").exists();
    }

    private static String bootstrapIn(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return null;
        }
        Matcher matcher = BOOTSTRAP.matcher(Files.readString(log));
        return matcher.find() ? matcher.group(1) : null;
    }
}
