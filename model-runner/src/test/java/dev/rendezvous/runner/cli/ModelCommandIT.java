package dev.rendezvous.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Heartbeat;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.runner.DemoManifests;
import dev.rendezvous.runner.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(EmbeddedKafkaExtension.class)
class ModelCommandIT {
    private static final String APP = DemoModels.APP;
    private static final ModelRef V1 = new ModelRef("fraud-lr", "1");
    private static final ModelRef V2 = new ModelRef("fraud-lr", "2");

    @TempDir
    Path dir;

    private final ExecutorService deployments = Executors.newCachedThreadPool();
    private final AtomicInteger requestIds = new AtomicInteger();
    private final Map<String, Number> features = DemoModels.sampleFeatures(31, 1).get(0);
    private KafkaSettings kafka;
    private TopicNames topics;
    private String[] kafkaArgs;

    @AfterEach
    void stopDeployments() throws Exception {
        // Interrupting `model deploy` stops its runner cleanly, as Ctrl-C would.
        deployments.shutdownNow();
        assertThat(deployments.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void deploysTwoVersionsSideBySideThenPromotesOneAndRetiresTheOtherWhichStopsConsuming(EmbeddedKafkaBroker broker) throws Exception {
        kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("model-cli"));
        topics = kafka.topics();
        try (var admin = kafka.newAdmin("test-admin")) {
            TopicLayout layout = new TopicLayout(topics, 1);
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.appTopics(APP, 2, 3_600_000));
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.controlTopics());
        }
        kafkaArgs = new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", kafka.topicPrefix()};

        Future<Integer> v1 = deploy(DemoManifests.lr().artifact().resolveSibling("fraud-lr-1.yaml"));
        Future<Integer> v2 = deploy(withoutRole(DemoManifests.canary().artifact().resolveSibling("fraud-lr-2.yaml")));

        try (RegistryView registry = RegistryView.start(kafka, "test-registry");
             KafkaProducer<String, byte[]> producer = kafka.newProducer("test-requests");
             TopicReader scores = new TopicReader(kafka.bootstrapServers(), topics.scores(APP))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> registry.registration(APP, V1).isPresent() && registry.registration(APP, V2).isPresent()
                    && registry.isAlive(APP, V1, System.currentTimeMillis()) && registry.isAlive(APP, V2, System.currentTimeMillis()));
            ModelRegistration shadow = registry.registration(APP, V2).orElseThrow();
            assertThat(shadow.role()).as("no role in the manifest: shadow").isEqualTo(ModelRole.SHADOW);
            assertThat(registry.registration(APP, V1).orElseThrow().role()).isEqualTo(ModelRole.LIVE);
            assertThat(shadow.signature().toString()).isEqualTo(
                    "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,5]}],"
                            + "\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[-1,2]}],"
                            // The manifest's named features, in the model's column order, for the gateway to check requests against.
                            + "\"features\":[{\"name\":\"amount\",\"datatype\":\"FP32\"},{\"name\":\"cardAgeDays\",\"datatype\":\"FP32\"},"
                            + "{\"name\":\"distanceKm\",\"datatype\":\"FP32\"},{\"name\":\"hour\",\"datatype\":\"FP32\"},"
                            + "{\"name\":\"merchantRisk\",\"datatype\":\"FP32\"}]}");
            assertThat(shadow.lineage().get("seed").asLong()).isEqualTo(22);
            awaitAnswersFrom(producer, scores, V1, V2);

            assertThat(run("promote", APP, "fraud-lr@2")).isEqualTo(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.registration(APP, V2).orElseThrow().role() == ModelRole.LIVE);
            await().atMost(Duration.ofSeconds(30)).until(() -> scoresSince(producer, scores).stream()
                    .anyMatch(score -> score.modelRef().equals(V2) && score.role() == ModelRole.LIVE));

            assertThat(run("retire", APP, "fraud-lr@1")).isEqualTo(0);
            assertThat(v1.get(30, TimeUnit.SECONDS)).as("model deploy of the retired version returns").isEqualTo(0);
            assertThat(v2.isDone()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.isAlive(APP, V1, System.currentTimeMillis()));
            assertThat(lastHeartbeat(V1).stopping()).isTrue();
            List<String> afterRetirement = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                afterRetirement.add(send(producer));
            }
            List<ModelScore> answers = scores.readUntil(read -> decoded(read).stream()
                    .filter(s -> s.modelRef().equals(V2) && afterRetirement.contains(s.requestId())).count() == afterRetirement.size())
                    .stream().map(r -> JsonCodec.decode(r.value(), ModelScore.class)).toList();
            assertThat(answers).filteredOn(s -> afterRetirement.contains(s.requestId())).extracting(ModelScore::modelRef).containsOnly(V2);

            String listing = output("list", "--app", APP);
            assertThat(listing).containsPattern("fraud\\s+fraud-lr@1\\s+retired\\s+onnx\\s+no")
                    .containsPattern("fraud\\s+fraud-lr@2\\s+live\\s+onnx\\s+yes");
        }
    }

    @Test
    void refusesUnknownVersionsAndBrokenManifestsNamingTheProblem(EmbeddedKafkaBroker broker) throws Exception {
        kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("model-cli-errors"));
        try (var admin = kafka.newAdmin("test-admin")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(kafka.topics(), 1).controlTopics());
        }
        kafkaArgs = new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", kafka.topicPrefix()};

        StringWriter err = new StringWriter();
        assertThat(command(new StringWriter(), err).execute(args("promote", APP, "nope@1"))).isEqualTo(1);
        assertThat(err.toString()).contains("model promote: nope@1 of app fraud is not registered");

        Path missing = dir.resolve("missing.yaml");
        err = new StringWriter();
        assertThat(command(new StringWriter(), err).execute(args("deploy", missing.toString()))).isEqualTo(1);
        assertThat(err.toString()).contains("model deploy: manifest " + missing + ": the file does not exist");
    }

    private Future<Integer> deploy(Path manifest) {
        return deployments.submit(() -> command(new StringWriter(), new StringWriter()).execute(args("deploy", manifest.toString())));
    }

    private int run(String... arguments) {
        return command(new StringWriter(), new StringWriter()).execute(args(arguments));
    }

    private String output(String... arguments) {
        StringWriter out = new StringWriter();
        assertThat(command(out, new StringWriter()).execute(args(arguments))).isEqualTo(0);
        return out.toString();
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        return new CommandLine(new ModelCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    private String[] args(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of(kafkaArgs));
        return all.toArray(String[]::new);
    }

    /** A copy of a demo manifest (with its artifact) that does not name a role. */
    private Path withoutRole(Path manifest) throws Exception {
        Path copy = dir.resolve(manifest.getFileName());
        Files.writeString(copy, Files.readString(manifest).replaceAll("(?m)^role: .*\\n", ""));
        Path artifact = manifest.resolveSibling(manifest.getFileName().toString().replace(".yaml", ".onnx"));
        Files.copy(artifact, dir.resolve(artifact.getFileName()));
        return copy;
    }

    /** Sends requests until every version has answered one: then each runner has its partitions. */
    private void awaitAnswersFrom(KafkaProducer<String, byte[]> producer, TopicReader scores, ModelRef... versions) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<ModelScore> answered = scoresSince(producer, scores);
            return List.of(versions).stream().allMatch(v -> answered.stream().anyMatch(s -> s.modelRef().equals(v)));
        });
    }

    private List<ModelScore> scoresSince(KafkaProducer<String, byte[]> producer, TopicReader scores) throws Exception {
        send(producer);
        return decoded(scores.readUntil(read -> true));
    }

    private static List<ModelScore> decoded(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> JsonCodec.decode(r.value(), ModelScore.class)).toList();
    }

    private String send(KafkaProducer<String, byte[]> producer) throws Exception {
        long now = System.currentTimeMillis();
        String id = "req-" + requestIds.incrementAndGet();
        ScoringRequest request = new ScoringRequest(id, APP, JsonCodec.mapper().valueToTree(features), null, now, now + 60_000, null, null);
        producer.send(new ProducerRecord<>(topics.requests(APP), id, JsonCodec.encode(request))).get(10, TimeUnit.SECONDS);
        return id;
    }

    private Heartbeat lastHeartbeat(ModelRef ref) {
        try (TopicReader beats = new TopicReader(kafka.bootstrapServers(), topics.heartbeats())) {
            List<ConsumerRecord<String, byte[]>> all = beats.readUntil(read -> read.stream().anyMatch(r -> r.key().startsWith(APP + "/" + ref.name() + "/"
                    + ref.version() + "/") && JsonCodec.decode(r.value(), Heartbeat.class).stopping()));
            return all.stream().filter(r -> r.key().startsWith(APP + "/" + ref.name() + "/" + ref.version() + "/"))
                    .map(r -> JsonCodec.decode(r.value(), Heartbeat.class)).reduce((a, b) -> b).orElseThrow();
        }
    }
}
