package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archiver.cli.ArchiveCommand;
import dev.rendezvous.archiver.snapshot.SnapshotExpiry;
import dev.rendezvous.archiver.snapshot.SnapshotSchedule;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.model.api.manifest.Lineage;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.runner.ModelRunner;
import dev.rendezvous.runner.StandaloneOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 part 3 on the real platform (gateway, demo ONNX runners, decoy, archiver on the embedded
 * broker): the archiver snapshots the app every 5 s under stable names, keeps the newest three, and
 * expires older ones by itself — except the one a model's lineage names, which it refuses to expire
 * (reported, naming the model), as does {@code archive snapshot expire}; an unknown snapshot is a
 * clear error; nothing a kept snapshot references is ever deleted.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ScheduledSnapshotsIT {
    private static final String APP = "fraud";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger sent = new AtomicInteger();

    @Test
    void snapshotsOnScheduleExpiresBeyondKeepAndRefusesToExpireWhatALineageNames(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path archive = dir.resolve("archive");
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 2
                    retentionMs: 3600000
                    policy:
                      deadline: 5s
                      stages:
                        - accept: [fraud-fm@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                    archive:
                      snapshots:
                        schedule: PT5S
                        keep: { last: 3 }
                """);
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker,
                EmbeddedKafkaExtension.uniquePrefix("schedule"), "schedule-it", "schedule-it-admin-token", Map.of(
                        "models.demoDir", Path.of("target", "demo-models").toAbsolutePath().toString(),
                        "archive.dir", archive.toString(),
                        "gateway.shedding.enabled", "false"))))) {
            SnapshotStore store = new SnapshotStore(archive);
            // 1. Traffic, and a first scheduled snapshot that holds some of it.
            send(platform, 20);
            String trainedOn = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(
                    () -> scheduledHolding(store), id -> id != null);
            Snapshot trainedOnSnapshot = store.show(APP, trainedOn);
            String trainedOnName = nameOf(store, trainedOn);
            assertThat(trainedOnName).startsWith(SnapshotSchedule.NAME_PREFIX);
            assertThat(store.resolve(APP, trainedOnName)).isEqualTo(trainedOn);

            // 2. A model trained on it registers itself with a lineage naming the snapshot (as `model deploy` would).
            ModelManifest lr = ModelManifest.load(DemoModels.ensure(Path.of("target", "demo-models")).stream()
                    .filter(p -> p.getFileName().toString().equals("fraud-lr-1.yaml")).findFirst().orElseThrow());
            ModelManifest trained = new ModelManifest(lr.app(), lr.name(), "9", ModelRole.SHADOW, lr.runtime(), lr.artifact(), lr.sha256(),
                    lr.className(), lr.url(), lr.model(), lr.input(), lr.output(), lr.batching(), lr.callTimeoutMs(),
                    new Lineage("snapshot:" + trainedOn + " export-sha256:" + "0".repeat(64) + " rows:20 labels:served", "snapshot:" + trainedOn,
                            null, null, 9L, Map.of(), Map.of()));
            try (ModelRunner runner = ModelRunner.start(platform.kafka(), trained, StandaloneOptions.registered())) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(runner::isReady);
                SnapshotExpiry expiry = new SnapshotExpiry(archive);
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> expiry.modelsNaming(APP, trainedOn), models -> models.equals(List.of("fraud/fraud-lr/9")));

                // 3. More slots pass with more traffic: older scheduled snapshots expire, the trained-on one is refused and kept.
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    send(platform, 5);
                    JsonNode report = JsonCodec.mapper().readTree(archive.resolve(APP).resolve("snapshots").resolve("schedule-report.json").toFile());
                    assertThat(report.path("refused").findValuesAsText("id")).contains(trainedOn);
                    assertThat(report.path("refused").get(0).path("models").get(0).asText()).isEqualTo("fraud/fraud-lr/9");
                    Set<String> scheduled = scheduledNames(store);
                    assertThat(scheduled).contains(trainedOnName);
                    assertThat(scheduled).as("the three newest and the one a lineage names; the rest expired").hasSize(4);
                    assertThat(sent.get()).isGreaterThan(40);
                });
            }
            assertThat(store.show(APP, trainedOn)).isEqualTo(trainedOnSnapshot);
            assertThat(store.verify(APP, trainedOn).ok()).as("every segment it references is still there, unchanged").isTrue();
            for (String name : scheduledNames(store)) {
                assertThat(store.verify(APP, store.resolve(APP, name)).ok()).as(name).isTrue();
            }

            // 4. By hand: refused the same way, and nothing deleted.
            Set<String> segmentsBefore = segments(archive);
            CliRun refused = cli("snapshot", "expire", "--dir", archive.toString(), "--app", APP, trainedOnName);
            assertThat(refused.exit).isEqualTo(1);
            assertThat(refused.err).startsWith("archive: snapshot " + trainedOn).contains("named by the lineage of fraud/fraud-lr/9")
                    .contains("nothing was deleted");
            assertThat(store.show(APP, trainedOn)).isEqualTo(trainedOnSnapshot);
            assertThat(store.names(APP)).containsEntry(trainedOnName, trainedOn);

            // 5. Unknown snapshots: clear errors, nothing deleted.
            CliRun unknownName = cli("snapshot", "expire", "--dir", archive.toString(), "--app", APP, "scheduled-1999-01-01T00-00-00Z");
            assertThat(unknownName.exit).isEqualTo(1);
            assertThat(unknownName.err).startsWith("archive: no snapshot named 'scheduled-1999-01-01T00-00-00Z' in fraud");
            CliRun unknownId = cli("snapshot", "expire", "--dir", archive.toString(), "--app", APP, "0".repeat(64));
            assertThat(unknownId.exit).isEqualTo(1);
            assertThat(unknownId.err).startsWith("archive: no snapshot " + "0".repeat(64) + " of fraud");
            CliRun notAName = cli("snapshot", "expire", "--dir", archive.toString(), "--app", APP, "../../etc");
            assertThat(notAName.exit).isEqualTo(1);
            assertThat(notAName.err).contains("is neither an id (64 lower-case hex digits) nor a snapshot name");

            // 6. A manual snapshot nobody trained on expires by name; it deletes no segment (retention does that).
            CliRun created = cli("snapshot", "create", "--dir", archive.toString(), "--app", APP, "--name", "before-release", "--seal-timeout", "PT0S");
            assertThat(created.exit).as(created.err).isZero();
            String manual = created.out.strip();
            CliRun expired = cli("snapshot", "expire", "--dir", archive.toString(), "--app", APP, "before-release");
            assertThat(expired.exit).as(expired.err).isZero();
            assertThat(JsonCodec.mapper().readTree(expired.out).path("id").asText()).isEqualTo(manual);
            assertThat(store.list(APP)).noneMatch(summary -> summary.id().equals(manual));
            assertThat(segments(archive)).as("expiry deleted no segment").containsAll(segmentsBefore);
        }
    }

    /** The newest scheduled snapshot that includes decoy records, or null. */
    private static String scheduledHolding(SnapshotStore store) throws Exception {
        String found = null;
        for (Map.Entry<String, String> name : new java.util.TreeMap<>(store.names(APP)).entrySet()) {
            if (SnapshotSchedule.isScheduledName(name.getKey())
                    && store.show(APP, name.getValue()).segments().stream().anyMatch(seal -> seal.kind().equals("decoy"))) {
                found = name.getValue();
            }
        }
        return found;
    }

    private static String nameOf(SnapshotStore store, String id) throws Exception {
        return store.names(APP).entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Set<String> scheduledNames(SnapshotStore store) throws Exception {
        return store.names(APP).keySet().stream().filter(SnapshotSchedule::isScheduledName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> segments(Path archive) throws Exception {
        return SegmentCatalog.sealed(archive.resolve(APP)).stream().map(SegmentSeal::relativePath).collect(Collectors.toSet());
    }

    private void send(Platform platform, int requests) throws Exception {
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(sent.get() + 7, requests);
        for (Map<String, Number> features : samples) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/fraud"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Request-Id", "sched-" + sent.getAndIncrement())
                    .POST(HttpRequest.BodyPublishers.ofString(new String(JsonCodec.encode(Map.of("features", features))))).build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    private record CliRun(int exit, String out, String err) {
    }

    private static CliRun cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ArchiveCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
