package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's promise end to end: 10,000 requests through the platform, and the archive holds each
 * exact input once (by hash, against what was produced to the requests topic), every score and
 * every decision.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ArchiveEndToEndIT {
    private static final int REQUESTS = 10_000;
    private static final int MODELS = 3;

    @Test
    void archivesEveryExactInputOnceWithEveryScoreAndDecision(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path archive = dir.resolve("archive");
        try (Platform platform = Platform.start(ConfigLoader.load(null, TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix("archive-e2e"), "archive-e2e", "archive-e2e-admin-token", Map.of(
                "models.demoDir", dir.resolve("models").toString(),
                "archive.dir", archive.toString(),
                // Small segments, so that sealing happens during the test too.
                "archive.maxSegmentBytes", "1048576",
                // Every request must reach the archive: a CPU-starved CI box (64 in flight on the 100 ms
                // default policy) must not have its requests shed for latency.
                "gateway.shedding.enabled", "false"))))) {
            sendRequests(platform.gatewayPort());
            KafkaSettings kafka = platform.kafka();
            Map<String, String> requestHashes = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : TopicDump.read(kafka, kafka.topics().requests("fraud"), REQUESTS, Duration.ofSeconds(60))) {
                requestHashes.put(record.partition() + "@" + record.offset(), LineEncoder.sha256(record.value()));
            }
            assertThat(requestHashes).hasSize(REQUESTS);

            Path app = archive.resolve("fraud");
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(lines(app.resolve("decoy"))).hasSize(REQUESTS);
                assertThat(lines(app.resolve("scores"))).hasSize(REQUESTS * MODELS);
                assertThat(lines(app.resolve("results"))).hasSize(REQUESTS);
            });

            Map<String, String> archivedHashes = new HashMap<>();
            for (byte[] line : lines(app.resolve("decoy"))) {
                ArchivedLine archived = ArchivedLine.parse(line);
                String source = archived.source().partition() + "@" + archived.source().offset();
                assertThat(archivedHashes.put(source, archived.sha256())).as("archived twice: %s", source).isNull();
                // The hash in the line is the hash of the bytes the line really holds.
                assertThat(LineEncoder.sha256(ArchivedLine.value(line))).isEqualTo(archived.sha256());
            }
            assertThat(archivedHashes).isEqualTo(requestHashes);
        }
    }

    private static void sendRequests(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(42, 500);
        int inFlight = 64;
        for (int start = 0; start < REQUESTS; start += inFlight) {
            List<CompletableFuture<HttpResponse<Void>>> wave = new ArrayList<>();
            for (int i = start; i < Math.min(REQUESTS, start + inFlight); i++) {
                String body = new String(JsonCodec.encode(Map.of("features", samples.get(i % samples.size()))));
                wave.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score/fraud"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("X-Request-Id", "archived-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()));
            }
            for (CompletableFuture<HttpResponse<Void>> response : wave) {
                assertThat(response.get().statusCode()).isIn(200, 504);
            }
        }
    }

    private static List<byte[]> lines(Path kindDir) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        if (!Files.isDirectory(kindDir)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(kindDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).sorted().toList()) {
                SegmentLines.read(file, (position, line, length) -> lines.add(java.util.Arrays.copyOf(line, length)));
            }
        }
        return lines;
    }
}
