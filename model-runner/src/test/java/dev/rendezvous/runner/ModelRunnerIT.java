package dev.rendezvous.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.model.api.manifest.ArtifactHash;
import dev.rendezvous.model.api.manifest.Batching;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.TimeLimitedModel;
import dev.rendezvous.protocol.Heartbeat;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.runner.registry.ArtifactConflictException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class ModelRunnerIT {
    private static final String APP = DemoModels.APP;
    private static final int PARTITIONS = 3;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private KafkaSettings kafka;
    private TopicNames topics;
    private KafkaProducer<String, byte[]> producer;

    private void setUp(EmbeddedKafkaBroker broker, TestInfo test) {
        kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix(test.getTestMethod().orElseThrow().getName()));
        topics = kafka.topics();
        try (Admin admin = kafka.newAdmin("test-admin")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(topics, 1).appTopics(APP, PARTITIONS, 3_600_000));
        }
        producer = closing(kafka.newProducer("test-requests"));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void scoresEveryRequestExactlyOnceWithTheModelsOutput(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelManifest manifest = DemoManifests.fm();
        ModelRunner runner = started(manifest, RunnerOptions.defaults(), registry);
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(11, 40);

        Map<String, RecordMetadata> sent = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            sent.put("req-" + i, send(request("req-" + i, samples.get(i), 60_000), "00-trace" + i + "-01"));
        }

        Map<String, ConsumerRecord<String, byte[]>> scores = readScores(samples.size());
        float[][] expected;
        try (DirectOnnx direct = new DirectOnnx(manifest)) {
            expected = direct.score(samples);
        }
        for (int i = 0; i < samples.size(); i++) {
            ConsumerRecord<String, byte[]> record = scores.get("req-" + i);
            ModelScore score = JsonCodec.decode(record.value(), ModelScore.class);
            assertThat(score.modelRef().toString()).isEqualTo("fraud-fm@1");
            assertThat(score.role()).isEqualTo(ModelRole.LIVE);
            assertThat(score.error()).isNull();
            assertThat(floats(score.output().get("output"))).as("request %d", i).containsExactly(expected[i]);
            String fraudOrLegit = expected[i][0] > expected[i][1] ? "fraud" : "legit";
            assertThat(score.output().get("label").asText()).isEqualTo(fraudOrLegit);
            assertThat(score.batchSize()).isBetween(1, manifest.batching().maxBatch());
            assertThat(record.partition()).isEqualTo(sent.get("req-" + i).partition());
            assertThat(RecordHeaders.text(record.headers(), RecordHeaders.TRACEPARENT)).contains("00-trace" + i + "-01");
        }
        awaitCommitted(runner);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topics.scores(APP))) {
            assertThat(reader.size()).isEqualTo(samples.size());
        }
        assertThat(registry.get("rdv.runner.requests").tag("model", "fraud-fm").counter().count()).isEqualTo(samples.size());
        assertThat(registry.get("rdv.runner.batch.size").summary().totalAmount()).isEqualTo(samples.size());
        assertThat(registry.get("rdv.runner.queue.wait").tag("version", "1").timer().count()).isEqualTo(samples.size());
    }

    @Test
    void aBatchingModelGathersRequestsSentOneByOneIntoAFewModelCalls(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // A pause far above the ~0.3 s the ten spaced sends below take: the first request is scored
        // at once, the fetch in flight during the pause brings the next, and the pause gathers the rest
        // into a third call. Without pauses, as with maxWaitMs 0, they make up to ten model calls.
        ModelManifest manifest = DemoManifests.lr().withBatching(new Batching(64, 1_000));
        ModelRunner runner = started(manifest, RunnerOptions.defaults(), registry);
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(12, 10);

        for (int i = 0; i < samples.size(); i++) {
            send(request("batched-" + i, samples.get(i), 60_000), null);
            // Far longer than a fetch round trip: without pauses each request would be fetched alone.
            Thread.sleep(20);
        }

        Map<String, ConsumerRecord<String, byte[]>> scores = readScores(samples.size());
        assertThat(scores).hasSize(samples.size());
        for (ConsumerRecord<String, byte[]> record : scores.values()) {
            assertThat(JsonCodec.decode(record.value(), ModelScore.class).error()).isNull();
        }
        assertThat(registry.get("rdv.runner.batch.size").summary().count()).as("model calls").isBetween(1L, 3L);
        // Each score names its call: one batch id per model call, positions 0..n-1, batchSize n.
        Map<String, List<ModelScore>> calls = new java.util.HashMap<>();
        scores.values().forEach(r -> {
            ModelScore score = JsonCodec.decode(r.value(), ModelScore.class);
            calls.computeIfAbsent(score.batchId(), id -> new ArrayList<>()).add(score);
        });
        assertThat(calls).doesNotContainKey(null);
        assertThat((long) calls.size()).isEqualTo(registry.get("rdv.runner.batch.size").summary().count());
        calls.values().forEach(call -> {
            assertThat(call).allSatisfy(score -> assertThat(score.batchSize()).isEqualTo(call.size()));
            assertThat(call.stream().map(ModelScore::batchPosition).sorted().toList())
                    .isEqualTo(java.util.stream.IntStream.range(0, call.size()).boxed().toList());
        });
        awaitCommitted(runner);
    }

    @Test
    void aManifestThatForbidsBatchingScoresEveryRequestInACallOfItsOwnEvenWhenTheyArriveTogether(EmbeddedKafkaBroker broker, TestInfo test)
            throws Exception {
        setUp(broker, test);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // The same 1 s gathering pause that puts ten requests into at most three calls above.
        ModelManifest manifest = DemoManifests.lr().withBatching(new Batching(null, 1_000, false));
        ModelRunner runner = started(manifest, RunnerOptions.defaults(), registry);
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(13, 10);

        for (int i = 0; i < samples.size(); i++) {
            send(request("alone-" + i, samples.get(i), 60_000), null);
            Thread.sleep(20);
        }

        List<ModelScore> scores = readScores(samples.size()).values().stream().map(r -> JsonCodec.decode(r.value(), ModelScore.class)).toList();
        assertThat(scores).hasSize(samples.size()).allSatisfy(score -> {
            assertThat(score.error()).isNull();
            assertThat(score.batchSize()).isEqualTo(1);
            assertThat(score.batchPosition()).isZero();
        });
        assertThat(scores).extracting(ModelScore::batchId).doesNotHaveDuplicates();
        assertThat(registry.get("rdv.runner.batch.size").summary().count()).as("model calls").isEqualTo(samples.size());
        assertThat(registry.get("rdv.runner.batch.size").summary().max()).isEqualTo(1.0);
        awaitCommitted(runner);
    }

    @Test
    void answersOipTensorRequestsWithOipOutputsEqualToOnnxRuntimeCalledDirectly(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        ModelManifest manifest = DemoManifests.lr();
        started(manifest, RunnerOptions.defaults(), new SimpleMeterRegistry());
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(16, 2);
        float[][] expected;
        try (DirectOnnx direct = new DirectOnnx(manifest)) {
            expected = direct.score(samples);
        }
        List<List<Float>> rows = new ArrayList<>();
        for (Map<String, Number> sample : samples) {
            rows.add(manifest.input().features().stream().map(f -> sample.get(f).floatValue()).toList());
        }
        long now = System.currentTimeMillis();
        Tensor input = new Tensor("input", "FP32", List.of(2L, 5L), JsonCodec.mapper().valueToTree(rows));
        send(new ScoringRequest("tensors", APP, null, List.of(input), now, now + 60_000, null, null), null);

        ModelScore score = JsonCodec.decode(readScores(1).get("tensors").value(), ModelScore.class);

        JsonNode output = score.output().get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("output");
        assertThat(output.get("datatype").asText()).isEqualTo("FP32");
        assertThat(output.get("shape").toString()).isEqualTo("[2,2]");
        assertThat(floats(output.get("data"))).containsExactly(expected[0][0], expected[0][1], expected[1][0], expected[1][1]);
    }

    @Test
    void skipsPoisonRecordsWithoutDeadLetteringThemAndScoresTheRequestsAroundThem(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        started(DemoManifests.lr(), RunnerOptions.defaults(), registry);
        Map<String, Number> features = DemoModels.sampleFeatures(12, 1).get(0);

        // All on one partition: the valid requests behind each poison record must still be scored.
        sendRaw(0, "before", JsonCodec.encode(request("before", features, 60_000)));
        sendRaw(0, "garbage", new byte[] {(byte) 0xff, 0x00, 0x13, 0x37});
        sendRaw(0, "between", JsonCodec.encode(request("between", features, 60_000)));
        sendRaw(0, "json-null", "null".getBytes(StandardCharsets.UTF_8));
        sendRaw(0, "wrong-shape", "{\"id\":\"wrong-shape\",\"app\":\"fraud\",\"features\":[1,2],\"receivedAtMs\":1,\"deadlineAtMs\":2}".getBytes(StandardCharsets.UTF_8));
        sendRaw(0, "other-app", JsonCodec.encode(new ScoringRequest("other-app", "payments", JsonCodec.mapper().valueToTree(features),
                null, System.currentTimeMillis(), System.currentTimeMillis() + 60_000, null, null)));
        sendRaw(0, "after", JsonCodec.encode(request("after", features, 60_000)));

        assertThat(readScores(3)).containsOnlyKeys("before", "between", "after");
        assertThat(registry.get("rdv.runner.refused").counter().count()).isEqualTo(4);
        // The rendezvous dead-letters poison requests, once; a runner adding its own copy made four of each.
        try (TopicReader deadLetters = new TopicReader(kafka.bootstrapServers(), topics.deadLetter(APP))) {
            assertThat(deadLetters.size()).isZero();
        }
    }

    @Test
    void answersARequestWhoseDeadlineHasPassedWithExpiredBeforeStart(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        started(DemoManifests.canary(), RunnerOptions.defaults(), registry);
        Map<String, Number> features = DemoModels.sampleFeatures(13, 1).get(0);
        long now = System.currentTimeMillis();

        send(new ScoringRequest("too-late", APP, JsonCodec.mapper().valueToTree(features), null, now - 10_000, now - 5_000, null, null), null);
        send(request("in-time", features, 60_000), null);

        Map<String, ConsumerRecord<String, byte[]>> scores = readScores(2);
        ModelScore late = JsonCodec.decode(scores.get("too-late").value(), ModelScore.class);
        assertThat(late.error().code()).isEqualTo(ScoreError.EXPIRED_BEFORE_START);
        assertThat(late.output()).isNull();
        assertThat(late.role()).isEqualTo(ModelRole.CANARY);
        assertThat(JsonCodec.decode(scores.get("in-time").value(), ModelScore.class).output()).isNotNull();
        assertThat(registry.get("rdv.runner.expired").counter().count()).isEqualTo(1);
    }

    @Test
    void aSlowModelAndAModelFailingOnSomeInputsStillAnswerEveryRequest(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        started(DemoManifests.fm(), RunnerOptions.defaults().withDelayMs(30), new SimpleMeterRegistry());
        started(DemoManifests.lr(), RunnerOptions.defaults().failingWhenFeatureAbove("amount", 100), new SimpleMeterRegistry());
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(14, 20);
        for (int i = 0; i < samples.size(); i++) {
            send(request("req-" + i, samples.get(i), 60_000), null);
        }

        List<ModelScore> scores;
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topics.scores(APP))) {
            scores = reader.readAtLeast(2 * samples.size()).stream().map(r -> JsonCodec.decode(r.value(), ModelScore.class)).toList();
        }
        Map<String, ModelScore> fm = byRequest(scores, "fraud-fm");
        Map<String, ModelScore> lr = byRequest(scores, "fraud-lr");
        assertThat(fm).hasSize(samples.size());
        assertThat(lr).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            ModelScore slow = fm.get("req-" + i);
            assertThat(slow.output()).isNotNull();
            assertThat(slow.inferenceMicros()).isGreaterThanOrEqualTo(30_000);
            ModelScore failing = lr.get("req-" + i);
            if (samples.get(i).get("amount").doubleValue() > 100) {
                assertThat(failing.error().code()).isEqualTo(ScoreError.MODEL_FAILURE);
                assertThat(failing.error().message()).contains("'amount'");
            } else {
                assertThat(failing.output()).isNotNull();
            }
        }
        assertThat(lr.values()).anyMatch(ModelScore::failed).anyMatch(score -> !score.failed());
    }

    @Test
    void answersCallTimeoutForACallThatHangsPastCallTimeoutMsAndScoresTheNextRequest(EmbeddedKafkaBroker broker, TestInfo test)
            throws Exception {
        setUp(broker, test);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelManifest manifest = DemoManifests.lr().withCallTimeoutMs(300);
        // The first call hangs for a minute, deaf to interrupts like a call stuck in native code: far
        // longer than the wait below, so only a runner that stops waiting at callTimeoutMs answers in it.
        started(manifest, RunnerOptions.defaults().hangingFirstCalls(1, 60_000), registry);
        Map<String, Number> features = DemoModels.sampleFeatures(17, 1).get(0);

        send(request("hangs", features, 60_000), null);
        ModelScore timedOut = JsonCodec.decode(readScoreWithin("hangs", Duration.ofMillis(300 + 9_700)).value(), ModelScore.class);

        assertThat(timedOut.output()).isNull();
        assertThat(timedOut.error().code()).isEqualTo(ScoreError.CALL_TIMEOUT);
        assertThat(timedOut.error().message()).contains("callTimeoutMs (300 ms)");
        assertThat(timedOut.artifactSha256()).isEqualTo(ArtifactHash.sha256(manifest.artifact()));

        send(request("after", features, 60_000), null);
        ModelScore after = JsonCodec.decode(readScoreWithin("after", Duration.ofSeconds(30)).value(), ModelScore.class);

        assertThat(after.error()).isNull();
        assertThat(after.output().get("label").asText()).isIn("fraud", "legit");
        assertThat(registry.get("rdv.runner.errors").tag("code", ScoreError.CALL_TIMEOUT).counter().count()).isEqualTo(1);
        assertThat(registry.get("rdv.runner.calls.stuck").gauge().value()).as("the hanging call still runs").isEqualTo(1);
    }

    @Test
    void stopsHeartbeatingWhileTooManyCallsAreStuckAndBeatsAgainOnceOneReturns(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        try (Admin admin = kafka.newAdmin("test-admin")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(topics, 1).controlTopics());
        }
        ModelManifest manifest = DemoManifests.lr().withCallTimeoutMs(200);
        int stuck = TimeLimitedModel.MAX_STUCK_CALLS;
        // Long enough to see the runner dead (heartbeat timeout 3 s), short enough to see it come back.
        ModelRunner runner = closing(ModelRunner.start(kafka, manifest,
                StandaloneOptions.registered().withRunner(RunnerOptions.defaults().hangingFirstCalls(stuck, 10_000))));
        RegistryView registry = closing(RegistryView.start(kafka, "test-registry"));
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.isReady() && registry.isAlive(APP, manifest.ref(), System.currentTimeMillis()));
        Map<String, Number> features = DemoModels.sampleFeatures(18, 1).get(0);

        // One at a time: requests of one poll would share one (stuck) call.
        for (int i = 0; i < stuck; i++) {
            send(request("stuck-" + i, features, 60_000), null);
            assertThat(decodedScore("stuck-" + i).error().code()).isEqualTo(ScoreError.CALL_TIMEOUT);
        }
        send(request("not-called", features, 60_000), null);
        ScoreError notCalled = decodedScore("not-called").error();
        assertThat(notCalled.code()).isEqualTo(ScoreError.MODEL_FAILURE);
        assertThat(notCalled.message()).startsWith("the model was not called: 4 earlier calls exceeded callTimeoutMs (200 ms)");
        await().atMost(Duration.ofSeconds(10)).until(() -> !registry.isAlive(APP, manifest.ref(), System.currentTimeMillis()));

        await().atMost(Duration.ofSeconds(30)).until(() -> registry.isAlive(APP, manifest.ref(), System.currentTimeMillis()));
        send(request("after", features, 60_000), null);
        assertThat(decodedScore("after").output()).isNotNull();
    }

    @Test
    void closingCommitsTheOffsetsOfWhatWasScored(EmbeddedKafkaBroker broker, TestInfo test) throws Exception {
        setUp(broker, test);
        ModelManifest manifest = DemoManifests.lr();
        ModelRunner runner = ModelRunner.start(kafka, manifest, StandaloneOptions.unregistered());
        await().atMost(Duration.ofSeconds(30)).until(runner::isReady);
        for (Map<String, Number> features : DemoModels.sampleFeatures(15, 6)) {
            send(request("req-" + features.hashCode(), features, 60_000), null);
        }
        readScores(6);

        runner.close();

        assertThat(runner.isRunning()).isFalse();
        assertThat(runner.consumerGroup()).isEqualTo(kafka.topicPrefix() + "model.fraud-lr.1");
        assertThat(committedOffsets(runner)).isEqualTo(endOffsets(topics.requests(APP)));
    }

    @Test
    void fixesAVersionsArtifactAtItsFirstRegistrationAndStampsItOnEveryScore(EmbeddedKafkaBroker broker, TestInfo test,
                                                                             @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        setUp(broker, test);
        try (Admin admin = kafka.newAdmin("test-control-topics")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(topics, 1).controlTopics());
        }
        ModelManifest canary = DemoManifests.canary();
        ModelRunner first = closing(ModelRunner.start(kafka, canary, StandaloneOptions.registered()));
        await().atMost(Duration.ofSeconds(30)).until(first::isReady);
        String registered = ArtifactHash.sha256(canary.artifact());

        // fraud-lr@2 again, but pointing at fraud-lr@1's file (with that file's true hash).
        Path source = Path.of("target", "demo-models");
        String other = ArtifactHash.sha256(source.resolve("fraud-lr-1.onnx"));
        String yaml = Files.readString(source.resolve("fraud-lr-2.yaml"))
                .replace("artifact: fraud-lr-2.onnx", "artifact: " + source.resolve("fraud-lr-1.onnx").toAbsolutePath())
                .replaceAll("sha256: [0-9a-f]{64}\n", "sha256: " + other + "\n");
        Path impostor = Files.writeString(dir.resolve("fraud-lr-2-other.yaml"), yaml);
        assertThat(other).isNotEqualTo(registered);

        assertThatThrownBy(() -> ModelRunner.start(kafka, ModelManifest.load(impostor), StandaloneOptions.registered()))
                .isInstanceOf(ArtifactConflictException.class)
                .hasMessageContaining("fraud-lr@2 of app fraud is registered with artifact SHA-256 " + registered)
                .hasMessageContaining("has SHA-256 " + other);
        try (RegistryView view = RegistryView.start(kafka, "artifact-check")) {
            assertThat(view.registration(APP, canary.ref()).orElseThrow().artifactSha256()).as("the registry keeps the first").isEqualTo(registered);
        }

        send(request("stamped-1", DemoModels.sampleFeatures(17, 1).get(0), 5_000), null);
        ModelScore score = JsonCodec.decode(readScores(1).get("stamped-1").value(), ModelScore.class);
        assertThat(score.artifactSha256()).isEqualTo(registered);
    }

    @Test
    void beatsAsLiveOnlyWhileItOwnsAPartition(EmbeddedKafkaBroker broker) throws Exception {
        // One partition, two runners of one version: the one that owns nothing must not tell the rendezvous to wait for it.
        kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("owning"));
        topics = kafka.topics();
        try (Admin admin = kafka.newAdmin("test-admin")) {
            var layout = new TopicLayout(topics, 1);
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.appTopics(APP, 1, 3_600_000));
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.controlTopics());
        }
        ModelRunner first = closing(ModelRunner.start(kafka, DemoManifests.lr(), StandaloneOptions.registered()));
        await().atMost(Duration.ofSeconds(30)).until(first::isReady);
        ModelRunner second = closing(ModelRunner.start(kafka, DemoManifests.lr(), StandaloneOptions.registered()));
        await().atMost(Duration.ofSeconds(30)).until(() -> first.isReady() != second.isReady());
        ModelRunner owner = first.isReady() ? first : second;
        ModelRunner idle = owner == first ? second : first;

        try (TopicReader heartbeats = new TopicReader(kafka.bootstrapServers(), topics.heartbeats())) {
            // Three beat intervals after both settled: only one instance may have beaten in them.
            long since = System.currentTimeMillis();
            Thread.sleep(3 * RegistryPublisher.HEARTBEAT_INTERVAL.toMillis());
            // Read until the owner's beats span the window, so that any beat of the idle one in it has been read too.
            long windowEnd = since + 2 * RegistryPublisher.HEARTBEAT_INTERVAL.toMillis();
            List<Heartbeat> beats = heartbeats.readUntil(read -> read.stream().anyMatch(r -> JsonCodec.decode(r.value(), Heartbeat.class).atMs() > windowEnd))
                    .stream().map(r -> JsonCodec.decode(r.value(), Heartbeat.class)).filter(b -> b.atMs() > since && !b.stopping()).toList();
            assertThat(beats).extracting(Heartbeat::instance).as("only the owner beats").hasSizeGreaterThan(0).containsOnly(beats.get(0).instance());
        }

        owner.close();
        await().atMost(Duration.ofSeconds(30)).until(idle::isReady);
        try (RegistryView view = RegistryView.start(kafka, "owning-check")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> view.isAlive(APP, DemoManifests.lr().ref(), System.currentTimeMillis()));
        }
    }

    @Test
    void refusesToStartWhenTheApplicationsTopicsDoNotExist(EmbeddedKafkaBroker broker) {
        KafkaSettings missing = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("missing"));

        assertThatThrownBy(() -> ModelRunner.start(missing, DemoManifests.lr(), StandaloneOptions.registered()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fraud.requests does not exist");
    }

    private ModelRunner started(ModelManifest manifest, RunnerOptions options, SimpleMeterRegistry registry) throws InterruptedException {
        ModelRunner runner = closing(ModelRunner.start(kafka, manifest, StandaloneOptions.unregistered().withRunner(options).withMeters(registry)));
        await().atMost(Duration.ofSeconds(30)).until(runner::isReady);
        return runner;
    }

    private void awaitCommitted(ModelRunner runner) {
        Map<TopicPartition, Long> end = endOffsets(topics.requests(APP));
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffsets(runner).equals(end));
        assertThat(runner.isRunning()).isTrue();
    }

    private Map<TopicPartition, Long> committedOffsets(ModelRunner runner) throws Exception {
        try (Admin admin = kafka.newAdmin("test-offsets")) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(runner.consumerGroup())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((partition, offset) -> offsets.put(partition, offset.offset()));
            // A partition that never had a record has nothing to commit; compare it as 0.
            endOffsets(topics.requests(APP)).keySet().forEach(partition -> offsets.putIfAbsent(partition, 0L));
            return offsets;
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (Admin admin = kafka.newAdmin("test-end-offsets")) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, ConsumerRecord<String, byte[]>> readScores(int count) {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topics.scores(APP))) {
            List<ConsumerRecord<String, byte[]>> records = reader.readAtLeast(count);
            return records.stream().collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        }
    }

    private ModelScore decodedScore(String requestId) {
        return JsonCodec.decode(readScoreWithin(requestId, Duration.ofSeconds(30)).value(), ModelScore.class);
    }

    private ConsumerRecord<String, byte[]> readScoreWithin(String requestId, Duration atMost) {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topics.scores(APP))) {
            return reader.readUntil(atMost, read -> read.stream().anyMatch(r -> r.key().equals(requestId))).stream()
                    .filter(r -> r.key().equals(requestId)).findFirst().orElseThrow();
        }
    }

    private static Map<String, ModelScore> byRequest(List<ModelScore> scores, String model) {
        return scores.stream().filter(s -> s.model().equals(model)).collect(Collectors.toMap(ModelScore::requestId, Function.identity()));
    }

    private static ScoringRequest request(String id, Map<String, Number> features, long budgetMs) {
        long now = System.currentTimeMillis();
        JsonNode node = JsonCodec.mapper().valueToTree(features);
        return new ScoringRequest(id, APP, node, null, now, now + budgetMs, null, null);
    }

    private RecordMetadata send(ScoringRequest request, String traceparent) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.requests(APP), request.id(), JsonCodec.encode(request));
        if (traceparent != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.TRACEPARENT, traceparent);
        }
        return producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private void sendRaw(int partition, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topics.requests(APP), partition, key, value)).get(10, TimeUnit.SECONDS);
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = array.get(j).floatValue();
        }
        return values;
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
