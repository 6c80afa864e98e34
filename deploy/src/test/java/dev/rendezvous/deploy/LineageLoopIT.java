package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archive.format.snapshot.VerifyReport;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.replay.ReplayRunner;
import dev.rendezvous.replay.ReplaySettings;
import dev.rendezvous.replay.lineage.ExportedInputs;
import dev.rendezvous.replay.lineage.LineageVerifier;
import dev.rendezvous.replay.lineage.ServedLabels;
import dev.rendezvous.replay.lineage.SnapshotTraining;
import dev.rendezvous.replay.lineage.TrainingRecipe;
import dev.rendezvous.runner.ModelRunner;
import dev.rendezvous.runner.StandaloneOptions;
import dev.rendezvous.runner.cli.ModelCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 6's worked example, as docs/lineage.md tells it: archive traffic, snapshot it, export it, train
 * a new model on the export with Tribuo (seeded, labels = what was served), write its manifest with the
 * snapshot as lineage, verify the snapshot before deploying, deploy in shadow (it scores, nobody
 * serves it), replay the snapshot against what was served, then promote it and see it served.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class LineageLoopIT {
    private static final String APP = "fraud";
    private static final int ARCHIVED_REQUESTS = 2_000;
    private static final int SHADOW_REQUESTS = 200;
    private static final ModelRef NEW_MODEL = ModelRef.parse("fraud-fm@2");
    private static final ModelRef OLD_MODEL = ModelRef.parse("fraud-fm@1");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void trainsOnASnapshotDeploysInShadowReplaysAndPromotes(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        Path archive = dir.resolve("archive");
        Path fmOne = DemoModels.ensure(Path.of("target", "demo-models")).stream()
                .filter(p -> p.getFileName().toString().equals("fraud-fm-1.yaml")).findFirst().orElseThrow();
        Path config = dir.resolve("rendezvous.yaml");
        // Only fraud-fm@1 runs, and the policy serves whichever fraud-fm version is live: promotion is a registry change.
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 2
                    retentionMs: 3600000
                    policy:
                      deadline: 3s
                      stages:
                        - accept: [fraud-fm@*]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                models:
                  demo: false
                  manifests: [%s]
                """.formatted(fmOne.toAbsolutePath()));
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix("lineage"), "lineage-it", "lineage-it-admin-token", Map.of(
                "archive.dir", archive.toString()))))) {
            // 1. Traffic, served by fraud-fm@1 and archived.
            List<Map<String, Number>> samples = DemoModels.sampleFeatures(4242, ARCHIVED_REQUESTS);
            assertThat(send(platform, "archived-", samples)).allMatch(answer -> served(answer).equals(OLD_MODEL));
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(lines(archive.resolve(APP).resolve("decoy"))).isEqualTo(ARCHIVED_REQUESTS);
                assertThat(lines(archive.resolve(APP).resolve("results"))).isEqualTo(ARCHIVED_REQUESTS);
            });

            // 2. Snapshot (forces a seal through the running archiver) and export.
            SnapshotStore snapshots = new SnapshotStore(archive);
            SnapshotStore.Created snapshot = snapshots.create(APP, null, "lineage example", Duration.ofSeconds(30));
            assertThat(snapshot.openSegmentsLeftOut()).isZero();
            ExportManifest exported = snapshots.export(APP, snapshot.id(), dir.resolve("export"));
            assertThat(exported.rows()).isEqualTo(ARCHIVED_REQUESTS);

            // 3. Train fraud-fm@2 on the export, labels = what was served, seeded.
            ExportedInputs inputs = ExportedInputs.read(dir.resolve("export"));
            Map<String, String> labels = ServedLabels.of(archive, APP, snapshot.id());
            SnapshotTraining.Trained trained = SnapshotTraining.train(inputs, labels, ServedLabels.DESCRIPTION,
                    TrainingRecipe.factorizationMachine(APP, NEW_MODEL.name(), NEW_MODEL.version(),
                            ModelManifest.load(fmOne).input().features(), 2026), dir.resolve("models"));
            ModelManifest newModel = ModelManifest.load(trained.manifest());
            assertThat(newModel.role()).isEqualTo(ModelRole.SHADOW);
            assertThat(newModel.lineage().trainingData()).startsWith("snapshot:" + snapshot.id() + " export-sha256:" + exported.sha256());

            // 4. Before deploying: the snapshot it was trained on exists and every segment has its recorded hash.
            Optional<VerifyReport> verified = new LineageVerifier(archive).verify(newModel);
            assertThat(verified).hasValueSatisfying(report -> assertThat(report.ok()).isTrue());

            // 5. Deploy in shadow on the same broker (as `model deploy` does): it registers itself with its lineage and
            //    scores live traffic; the policy never serves it.
            KafkaSettings kafka = platform.kafka();
            try (RegistryView registry = RegistryView.start(kafka, "lineage-it-registry");
                 ModelRunner runner = ModelRunner.start(kafka, newModel, StandaloneOptions.following(registry))) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(runner::isReady);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registry.isAlive(APP, NEW_MODEL, System.currentTimeMillis()));
                assertThat(registry.registration(APP, NEW_MODEL).orElseThrow().role()).isEqualTo(ModelRole.SHADOW);
                assertThat(registry.registration(APP, NEW_MODEL).orElseThrow().lineage().path("trainingData").asText())
                        .contains(snapshot.id());

                List<JsonNode> shadowAnswers = send(platform, "shadow-", DemoModels.sampleFeatures(77, SHADOW_REQUESTS));
                assertThat(shadowAnswers).allMatch(answer -> served(answer).equals(OLD_MODEL));
                assertThat(shadowScores(kafka)).containsAll(ids("shadow-", SHADOW_REQUESTS));

                // 6. Replay the snapshot with the new model against what was served.
                ReplayRunner.Result replay = ReplayRunner.run(ReplaySettings.of(archive, snapshot.id(), trained.manifest(), dir.resolve("replay"))
                        .withThreads(2), null);
                JsonNode report = replay.report();
                assertThat(report.at("/counts/inputs").asLong()).isEqualTo(ARCHIVED_REQUESTS);
                assertThat(report.at("/counts/compared").asLong()).isEqualTo(ARCHIVED_REQUESTS);
                assertThat(report.at("/model/trainingData").asText()).contains(snapshot.id());
                // Trained to reproduce fraud-fm@1's served labels on these very inputs: it mostly agrees.
                assertThat(report.get("agreementRate").asDouble()).isGreaterThan(0.9);
                assertThat(replay.reportHtml()).exists();
                System.out.printf("lineage example: snapshot %s, %d training rows, metrics %s, replay agreement %s, transitions %s%n",
                        snapshot.id(), trained.trainingRows(), trained.metrics(), report.get("agreementRate"), report.get("labelTransitions"));

                // 7. Promote with the model CLI: fraud-fm@2 becomes live and fraud-fm@1 retires, registry changes; no restart.
                assertThat(modelCommand(kafka, "promote", APP, NEW_MODEL.toString())).isZero();
                assertThat(modelCommand(kafka, "retire", APP, OLD_MODEL.toString())).isZero();
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                        assertThat(send(platform, "promoted-" + System.nanoTime() + "-", DemoModels.sampleFeatures(5, 5)))
                                .allMatch(answer -> served(answer).equals(NEW_MODEL)));
            }
        }
    }

    private static int modelCommand(KafkaSettings kafka, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", kafka.topicPrefix()));
        return new CommandLine(new ModelCommand()).execute(all.toArray(String[]::new));
    }

    private List<JsonNode> send(Platform platform, String idPrefix, List<Map<String, Number>> features) throws Exception {
        List<JsonNode> answers = new ArrayList<>();
        int inFlight = 32;
        for (int start = 0; start < features.size(); start += inFlight) {
            List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
            for (int i = start; i < Math.min(features.size(), start + inFlight); i++) {
                wave.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/" + APP))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("X-Request-Id", idPrefix + i)
                        .POST(HttpRequest.BodyPublishers.ofString(new String(JsonCodec.encode(Map.of("features", features.get(i))))))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> response : wave) {
                assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(200);
                answers.add(JsonCodec.mapper().readTree(response.get().body()));
            }
        }
        return answers;
    }

    private static ModelRef served(JsonNode answer) {
        return answer.path("model").isTextual() ? new ModelRef(answer.path("model").asText(), answer.path("version").asText())
                : new ModelRef("none", answer.path("outcome").asText("none"));
    }

    private static Set<String> ids(String prefix, int count) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    /** Request ids the new model scored, from the scores topic. */
    private static Set<String> shadowScores(KafkaSettings kafka) {
        Set<String> scored = new HashSet<>();
        String topic = kafka.topics().scores(APP);
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "lineage-it-scores", "earliest")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ModelScore score = JsonCodec.decode(record.value(), ModelScore.class);
                    if (score.modelRef().equals(NEW_MODEL) && !score.failed()) {
                        scored.add(score.requestId());
                    }
                }
                return scored.containsAll(ids("shadow-", SHADOW_REQUESTS));
            });
        }
        return scored;
    }

    private static long lines(Path kindDir) throws IOException {
        if (!Files.isDirectory(kindDir)) {
            return 0;
        }
        long count = 0;
        try (Stream<Path> files = Files.list(kindDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (byte b : bytes) {
                    count += b == '\n' ? 1 : 0;
                }
            }
        }
        return count;
    }
}
