package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigException;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.RedactionNote;
import dev.rendezvous.replay.ReplayRunner;
import dev.rendezvous.replay.ReplaySettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 part 4 on the real platform (gateway, demo ONNX runners, decoy, archiver on the embedded
 * broker): the decoy drops, HMAC-hashes and truncates features in its copy only — the models score
 * the request as sent — every archived input names the redaction's version and what was changed, and
 * a replay of the redacted snapshot says its inputs cannot be reproduced. A rule naming a field the
 * app's models do not declare, or a hash key others can read, stops the start naming the key.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RedactedArchiveIT {
    private static final String APP = "fraud";
    private static final int REQUESTS = 30;
    private static final String KEY = "redacted-archive-it-hmac-key-0123456789";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private static String configYaml(Path keyFile, String hashed) {
        return """
                apps:
                  - name: fraud
                    partitions: 2
                    retentionMs: 3600000
                    policy:
                      deadline: 5s
                      stages:
                        - accept: [fraud-fm@1, fraud-lr@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                    archive:
                      redaction:
                        drop: [cardAgeDays]
                        hash: [%s]
                        truncate: { hour: 1 }
                        hashKeyFile: %s
                """.formatted(hashed, keyFile);
    }

    private static Map<String, String> overrides(EmbeddedKafkaBroker broker, String prefix, Path dir) {
        return TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix(prefix), prefix + "-it", "redaction-it-admin-token", Map.of(
                "models.demoDir", Path.of("target", "demo-models").toAbsolutePath().toString(),
                "archive.dir", dir.resolve("archive").toString(),
                "gateway.shedding.enabled", "false"));
    }

    @Test
    void redactsTheArchivedCopyOnlyAndReplaySaysWhatItCannotReproduce(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("redaction-key"), KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Path config = Files.writeString(dir.resolve("rendezvous.yaml"), configYaml(keyFile, "merchantRisk"));
        Path archive = dir.resolve("archive");
        String version;
        Map<String, JsonNode> sentFeatures = new HashMap<>();
        try (Platform platform = Platform.start(ConfigLoader.load(config, overrides(broker, "redaction", dir)))) {
            List<Map<String, Number>> samples = DemoModels.sampleFeatures(1717, REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/fraud"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Request-Id", "red-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString(new String(JsonCodec.encode(Map.of("features", samples.get(i)))))).build();
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(JsonCodec.mapper().readTree(answer.body()).path("reason").asText()).as("a model answered, not the fallback")
                        .isNotEqualTo("no model answered in time");
            }

            // What the models read: the requests topic holds every feature as sent, and no model failed on it.
            for (ConsumerRecord<byte[], byte[]> record : TopicDump.read(platform.kafka(), platform.kafka().topics().requests(APP), REQUESTS,
                    Duration.ofSeconds(30))) {
                JsonNode features = JsonCodec.mapper().readTree(record.value()).get("features");
                assertThat(features.has("cardAgeDays")).isTrue();
                assertThat(features.get("merchantRisk").isNumber()).isTrue();
                assertThat(record.headers().lastHeader(RecordHeaders.REDACTION)).isNull();
                sentFeatures.put(new String(record.key(), StandardCharsets.UTF_8), features);
            }
            // Three demo runners score every request (fraud-fm@1, fraud-lr@1, fraud-lr@2).
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> archivedValues(archive, "decoy").size() == REQUESTS && archivedValues(archive, "scores").size() == 3 * REQUESTS);
            assertThat(archivedValues(archive, "scores")).allSatisfy(score -> assertThat(score.path("output").path("label").isTextual())
                    .as("the runners scored the unredacted request: %s", score).isTrue());

            // What the archive holds: the redacted copy, and in its headers which version did what.
            List<JsonNode> lines = archivedLines(archive, "decoy");
            version = JsonCodec.decode(lines.get(0).path("headers").path(RecordHeaders.REDACTION).asText().getBytes(StandardCharsets.UTF_8),
                    RedactionNote.class).version();
            assertThat(version).matches("sha256:[0-9a-f]{16}");
            for (JsonNode line : lines) {
                RedactionNote note = JsonCodec.decode(line.path("headers").path(RecordHeaders.REDACTION).asText().getBytes(StandardCharsets.UTF_8),
                        RedactionNote.class);
                assertThat(note).isEqualTo(new RedactionNote(version, List.of("cardAgeDays"), List.of("merchantRisk"), List.of("hour"), false));
                JsonNode sent = sentFeatures.get(line.path("key").asText());
                JsonNode features = line.path("value").path("features");
                assertThat(features.has("cardAgeDays")).isFalse();
                assertThat(features.get("merchantRisk").asText()).isEqualTo("hmac-sha256:" + hmac(sent.get("merchantRisk").toString()));
                assertThat(features.get("hour").asText()).isEqualTo(sent.get("hour").toString().substring(0, 1));
                assertThat(features.get("amount")).isEqualTo(sent.get("amount"));
                assertThat(features.get("distanceKm")).isEqualTo(sent.get("distanceKm"));
            }
            assertThat(Files.readString(archive.resolve(APP).resolve("decoy").resolve(firstSegment(archive)))).doesNotContain(KEY);

            // Replay knows what it cannot reproduce: every input is counted notReproducible, none is compared.
            String snapshot = new SnapshotStore(archive).create(APP, null, "redacted", Duration.ofSeconds(30)).id();
            Path fm = DemoModels.ensure(Path.of("target", "demo-models")).stream()
                    .filter(p -> p.getFileName().toString().equals("fraud-fm-1.yaml")).findFirst().orElseThrow();
            ReplayRunner.Result replay = ReplayRunner.run(ReplaySettings.of(archive, snapshot, fm, dir.resolve("replay")), null);
            JsonNode report = replay.report();
            assertThat(report.at("/counts/inputs").asLong()).isEqualTo(REQUESTS);
            assertThat(report.at("/counts/notReproducible").asLong()).isEqualTo(REQUESTS);
            assertThat(report.at("/counts/compared").asLong()).isZero();
            assertThat(report.at("/redaction/versions/0").asText()).isEqualTo(version);
            assertThat(report.at("/redaction/meaning").asText()).contains("not what the models scored");
        }
    }

    @Test
    void refusesToStartWhenARuleNamesAFieldTheModelsDoNotDeclare(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("redaction-key"), KEY);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Path config = Files.writeString(dir.resolve("rendezvous.yaml"), configYaml(keyFile, "merchantRisk, email"));

        assertThatThrownBy(() -> Platform.start(ConfigLoader.load(config, overrides(broker, "redaction-bad", dir))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("apps[0].archive.redaction.hash[1]: 'email' is not a feature of app fraud")
                .hasMessageContaining("[amount, cardAgeDays, distanceKm, hour, merchantRisk]");
        assertThat(dir.resolve("archive")).as("nothing started, nothing archived").doesNotExist();
    }

    @Test
    void refusesAHashKeyFileOthersCanRead(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("redaction-key"), KEY);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = Files.writeString(dir.resolve("rendezvous.yaml"), configYaml(keyFile, "merchantRisk"));

        assertThatThrownBy(() -> Platform.start(ConfigLoader.load(config, overrides(broker, "redaction-key", dir))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("apps[0].archive.redaction.hashKeyFile: " + keyFile + " is accessible to others (rw-r--r--)")
                .hasMessageNotContaining(KEY);
        assertThat(dir.resolve("archive")).doesNotExist();
    }

    private static String hmac(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String firstSegment(Path archive) throws Exception {
        try (Stream<Path> files = Files.list(archive.resolve(APP).resolve("decoy"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".ndjson")).sorted().findFirst().orElseThrow();
        }
    }

    private static List<JsonNode> archivedValues(Path archive, String kind) throws Exception {
        return archivedLines(archive, kind).stream().map(line -> line.path("value")).toList();
    }

    private static List<JsonNode> archivedLines(Path archive, String kind) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        Path dir = archive.resolve(APP).resolve(kind);
        if (!Files.isDirectory(dir)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                SegmentLines.read(file, (position, line, length) -> {
                    lines.add(JsonCodec.mapper().readTree(java.util.Arrays.copyOf(line, length)));
                    return true;
                });
            }
        }
        return lines;
    }
}
