package dev.rendezvous.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.Batching;
import dev.rendezvous.model.api.manifest.InputMapping;
import dev.rendezvous.model.api.manifest.Lineage;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.api.manifest.ModelRuntime;
import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.model.runtimes.scoring.TimeLimitedModel;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The model host's fan-out and commit rule, on a MockConsumer and a MockProducer: one poll reaches every version, a commit waits for all of them. */
class RequestFanOutTest {
    private static final TopicPartition P0 = new TopicPartition("fraud.requests", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final RequestFanOut fanOut = new RequestFanOut("fraud", "test-host", producer, Duration.ZERO);
    private final List<VersionLane> lanes = new ArrayList<>();
    private long nextOffset;

    /** Scores each row as [amount, 1 - amount]; each call waits for its gate, and is recorded with its row count. */
    private static final class GatedModel implements BatchModel {
        final List<Integer> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;

        GatedModel(boolean open) {
            gate = new CountDownLatch(open ? 0 : 1);
        }

        @Override
        public Signature signature() {
            return new Signature(List.of(new TensorSpec("input", DataType.FP32, List.of(TensorSpec.DYNAMIC, 2L))),
                    List.of(new TensorSpec("output", DataType.FP32, List.of(TensorSpec.DYNAMIC, 2L))));
        }

        @Override
        public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TensorValue input = inputs.get("input");
            int rows = (int) input.dim(0);
            calls.add(rows);
            float[] out = new float[rows * 2];
            for (int r = 0; r < rows; r++) {
                out[2 * r] = input.floats()[2 * r];
                out[2 * r + 1] = 1 - input.floats()[2 * r];
            }
            return Map.of("output", TensorValue.of(out, rows, 2));
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void assign() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
    }

    @AfterEach
    void stopLanes() {
        lanes.forEach(lane -> lane.stop(true));
    }

    @Test
    void everyHostedVersionScoresEveryRequestOfAPollOnce() {
        hosted("1", new GatedModel(true), Batching.defaults(), 1_000);
        hosted("2", new GatedModel(true), Batching.defaults(), 1_000);

        fanOut.handle(consumer, poll("r0", "r1", "r2", "bad"));

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 6);
        for (String version : List.of("1", "2")) {
            assertThat(scoresOf(version)).extracting(ModelScore::requestId).containsExactlyInAnyOrder("r0", "r1", "r2");
        }
        assertThat(producer.history()).allSatisfy(record -> assertThat(record.topic()).isEqualTo("fraud.scores"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committedAfterPoll()).isEqualTo(4));
    }

    @Test
    void commitsARequestOnlyOnceEveryLocalVersionHasProducedItsScore() {
        hosted("1", new GatedModel(true), Batching.defaults(), 1_000);
        GatedModel slow = new GatedModel(false);
        hosted("2", slow, Batching.defaults(), 30_000);

        fanOut.handle(consumer, poll("r0", "r1", "r2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> scoresOf("1").size() == 3);

        assertThat(committedAfterPoll()).as("the slow version has not answered: nothing may be committed").isNull();

        slow.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> scoresOf("2").size() == 3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committedAfterPoll()).isEqualTo(3));
    }

    @Test
    void aVersionThatLeavesReleasesWhatItOwesAndGetsNothingFromLaterPolls() {
        hosted("1", new GatedModel(true), Batching.defaults(), 1_000);
        GatedModel stuck = new GatedModel(false);
        VersionLane leaving = hosted("2", stuck, Batching.defaults(), 30_000);

        fanOut.handle(consumer, poll("r0", "r1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> scoresOf("1").size() == 2 && stuck.gate.getCount() == 1);
        fanOut.handle(consumer, poll("r2", "r3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> scoresOf("1").size() == 4);
        assertThat(committedAfterPoll()).as("the stuck version holds both polls").isNull();

        fanOut.detach(leaving);
        leaving.stop(true);
        fanOut.handle(consumer, poll("r4"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committedAfterPoll()).isEqualTo(5));
        assertThat(scoresOf("1")).extracting(ModelScore::requestId).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4");
        stuck.gate.countDown();
        // Its stuck call returns after it left: those scores are owed to nobody and not sent.
        await().atMost(Duration.ofSeconds(10)).until(() -> stuck.calls.size() == 1);
        assertThat(scoresOf("2")).isEmpty();
    }

    @Test
    void aCallThatExceedsCallTimeoutMsCountsAsThatVersionsAnswerAndUnblocksTheCommit() {
        hosted("1", new GatedModel(true), Batching.defaults(), 1_000);
        GatedModel hanging = new GatedModel(false);
        hosted("2", hanging, Batching.defaults(), 200);

        fanOut.handle(consumer, poll("r0", "r1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> scoresOf("2").size() == 2);
        assertThat(scoresOf("2")).allSatisfy(score -> assertThat(score.error().code()).isEqualTo(ScoreError.CALL_TIMEOUT));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committedAfterPoll()).isEqualTo(2));
        assertThat(scoresOf("1")).hasSize(2);
        hanging.gate.countDown();
    }

    @Test
    void aManifestThatForbidsBatchingGetsOneCallPerRequestBesideABatchingVersion() {
        GatedModel batched = new GatedModel(true);
        GatedModel alone = new GatedModel(true);
        hosted("1", batched, Batching.defaults(), 1_000);
        hosted("2", alone, Batching.never(), 1_000);

        fanOut.handle(consumer, poll("r0", "r1", "r2", "r3"));

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 8);
        assertThat(batched.calls).containsExactly(4);
        assertThat(alone.calls).containsExactly(1, 1, 1, 1);
    }

    @Test
    void aPausingVersionGathersTheRequestsOfSeveralPollsIntoOneCallBesideAPromptOne() {
        GatedModel prompt = new GatedModel(true);
        GatedModel pausing = new GatedModel(true);
        hosted("1", prompt, Batching.defaults(), 1_000);
        hosted("2", pausing, new Batching(64, 1_000), 1_000);

        fanOut.handle(consumer, poll("r0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pausing.calls.size() == 1);
        for (int i = 1; i <= 4; i++) {
            fanOut.handle(consumer, poll("r" + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 10);
        assertThat(pausing.calls).as("the four polls during the pause after the first call").hasSizeLessThan(5);
        assertThat(pausing.calls.get(0)).isEqualTo(1);
        assertThat(prompt.calls.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5);
    }

    @Test
    void aScoreTheProducerGaveUpOnIsNoAnswerThePollIsReadAgainAndNothingPastItCommitted() {
        MockProducer<String, byte[]> unacked = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        RequestFanOut host = new RequestFanOut("fraud", "test-host", unacked, Duration.ZERO);
        host.attach(hosted("1", new GatedModel(true), Batching.defaults(), 1_000, unacked));
        consumer.seek(P0, 0);

        host.handle(consumer, poll("r0", "r1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> unacked.history().size() == 2);
        consumer.seek(P0, 2);
        unacked.completeNext();
        unacked.errorNext(new org.apache.kafka.common.errors.TimeoutException("delivery timeout"));
        host.handle(consumer, ConsumerRecords.empty());

        assertThat(consumer.committed(Set.of(P0)).get(P0)).as("r1's score never reached Kafka").isNull();
        assertThat(consumer.position(P0)).as("read again from the poll's first record, r0").isZero();
    }

    private VersionLane hosted(String version, BatchModel model, Batching batching, int callTimeoutMs) {
        VersionLane lane = hosted(version, model, batching, callTimeoutMs, producer);
        fanOut.attach(lane);
        return lane;
    }

    /** A started lane sending to {@code scores}, stopped after the test; not attached to any host. */
    private VersionLane hosted(String version, BatchModel model, Batching batching, int callTimeoutMs, MockProducer<String, byte[]> scores) {
        ModelManifest manifest = new ModelManifest("fraud", "fraud-lr", version, ModelRole.SHADOW, ModelRuntime.ONNX,
                Path.of("m.onnx"), "0".repeat(64), null, null, null, new InputMapping("input", List.of("amount", "hour")),
                new OutputMapping(null, List.of("fraud", "legit")), batching, callTimeoutMs, Lineage.unknown());
        TimeLimitedModel limited = new TimeLimitedModel(model, callTimeoutMs, "fraud/" + manifest.ref());
        VersionLane lane = new VersionLane(manifest, new BatchScorer(manifest, limited, FailureInjector.NONE, Clock.systemUTC()), limited,
                new RunnerMetrics(new SimpleMeterRegistry(), manifest), scores, "fraud.scores").start();
        lanes.add(lane);
        return lane;
    }

    /** One poll of P0 with these requests ("bad" is a record that is no request). */
    private ConsumerRecords<byte[], byte[]> poll(String... ids) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String id : ids) {
            byte[] value = id.equals("bad") ? "{not json".getBytes()
                    : JsonCodec.encode(new ScoringRequest(id, "fraud", features(0.25), null, now, now + 60_000, null, null));
            records.add(new ConsumerRecord<>(P0.topic(), P0.partition(), nextOffset++, id.getBytes(), value));
        }
        return new ConsumerRecords<>(Map.of(P0, records), Map.of());
    }

    /** Commits what is committable (an empty poll does that) and returns P0's committed offset, or null. */
    private Long committedAfterPoll() {
        fanOut.handle(consumer, ConsumerRecords.empty());
        OffsetAndMetadata committed = consumer.committed(Set.of(P0)).get(P0);
        return committed == null ? null : committed.offset();
    }

    private List<ModelScore> scoresOf(String version) {
        return producer.history().stream().map(ProducerRecord::value).map(v -> JsonCodec.decode(v, ModelScore.class))
                .filter(score -> score.version().equals(version)).toList();
    }

    private static ObjectNode features(double amount) {
        return JsonCodec.mapper().createObjectNode().put("amount", amount).put("hour", 3);
    }
}
