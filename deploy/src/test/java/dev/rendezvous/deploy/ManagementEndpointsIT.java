package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that runs every service but the gateway — as one service per process does in production —
 * still answers liveness, readiness and a Prometheus scrape on its management port.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ManagementEndpointsIT {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aProcessWithoutTheGatewayServesHealthReadinessAndItsServicesMetrics(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, "services: [rendezvous, models, decoy, archiver]\n");
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix("mgmt"),
                "mgmt-it", "mgmt-it-admin-token", Map.of("models.demoDir", dir.resolve("models").toString(),
                        "archive.dir", dir.resolve("archive").toString()))))) {
            assertThat(platform.gatewayPort()).isEqualTo(-1);
            int port = platform.managementPort();
            assertThat(port).isPositive();

            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = get(port, "/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(JsonCodec.mapper().readTree(ready.body()).path("status").asText()).isEqualTo("ready");
            });
            HttpResponse<String> metrics = get(port, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body()).contains("rdv_rendezvous_").contains("rdv_runner_requests_total");

            HttpResponse<String> unknown = get(port, "/v1/score/fraud");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JsonCodec.mapper().readTree(unknown.body()).path("where").asText()).isEqualTo("path /v1/score/fraud");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);

            // A runner stopped by hand leaves the process; the others still make it ready.
            assertThat(platform.stopModel("fraud", ModelRef.parse("fraud-lr@2"))).isTrue();
            assertThat(platform.readinessProblems()).isEmpty();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
