package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archiver.segment.SegmentWriter;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.replay.scoring.ReplayBatching;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay's {@code --batching}: a small archive of app {@code fraud} served by the real demo model
 * {@code fraud-lr@1}, whose archived scores record their model calls — ten calls of four requests
 * (each spanning both partitions, positions recorded in reverse input order), ten requests alone,
 * ten scores written before the batch fields existed, and one request whose only score is another
 * model's. Served outputs are what ONNX Runtime gives for exactly those calls.
 */
class ReplayBatchingTest {
    private static final int REQUESTS = 61;
    private static final int SHARED_CALLS = 10;
    private static final int CALL_SIZE = 4;
    private static final long T0 = 1_750_000_000_000L;
    private static final String APP = "fraud";

    @TempDir
    static Path dir;
    private static Path archiveDir;
    private static String snapshotId;
    private static Path lrManifest;

    @BeforeAll
    static void buildArchive() throws Exception {
        List<Path> manifests = DemoModels.ensure(Path.of("target", "demo-models"));
        lrManifest = manifests.stream().filter(p -> p.getFileName().toString().equals("fraud-lr-1.yaml")).findFirst().orElseThrow();
        ModelManifest lr = ModelManifest.load(lrManifest);
        List<Map<String, Number>> features = DemoModels.sampleFeatures(11, REQUESTS);
        float[][] served = new float[REQUESTS][];
        String[] labels = new String[REQUESTS];
        try (DirectOnnx onnx = new DirectOnnx(lr)) {
            // A shared call holds requests 4c..4c+3 at positions 3..0: its rows are in position order.
            for (int c = 0; c < SHARED_CALLS; c++) {
                List<Map<String, Number>> rows = new ArrayList<>();
                for (int position = 0; position < CALL_SIZE; position++) {
                    rows.add(features.get(member(c, position)));
                }
                float[][] out = onnx.score(rows);
                for (int position = 0; position < CALL_SIZE; position++) {
                    served[member(c, position)] = out[position];
                }
            }
            for (int i = SHARED_CALLS * CALL_SIZE; i < REQUESTS; i++) {
                served[i] = onnx.score(List.of(features.get(i)))[0];
            }
            for (int i = 0; i < REQUESTS; i++) {
                labels[i] = onnx.label(served[i]);
            }
        }
        archiveDir = dir.resolve("archive");
        Path appDir = archiveDir.resolve(APP);
        SegmentWriter[] decoy = new SegmentWriter[2];
        SegmentWriter[] scores = new SegmentWriter[2];
        SegmentWriter[] results = new SegmentWriter[2];
        for (int p = 0; p < 2; p++) {
            decoy[p] = SegmentWriter.open(appDir.resolve("decoy"), "decoy", p, 1L << 30, null);
            scores[p] = SegmentWriter.open(appDir.resolve("scores"), "scores", p, 1L << 30, null);
            results[p] = SegmentWriter.open(appDir.resolve("results"), "results", p, 1L << 30, null);
        }
        long[] offsets = new long[2];
        for (int i = 0; i < REQUESTS; i++) {
            int p = i % 2;
            long offset = offsets[p]++;
            long received = T0 + i * 10L;
            ScoringRequest request = new ScoringRequest(id(i), APP, JsonCodec.mapper().valueToTree(features.get(i)), null,
                    received, received + 100, null, null);
            decoy[p].append(offset, line(APP + ".decoy", p, offset, received, id(i), JsonCodec.encode(request)));
            ObjectNode output = output(served[i], labels[i]);
            scores[p].append(offset, line(APP + ".scores", p, offset, received + 2, id(i), JsonCodec.encode(score(i, output))));
            Decision decision = new Decision(id(i), APP, Outcome.MODEL, "fraud-lr", "1", output, "preferred", 1, null, null, null,
                    received, received + 100, received + 3);
            results[p].append(offset, line(APP + ".results", p, offset, received + 3, id(i), JsonCodec.encode(decision)));
        }
        for (int p = 0; p < 2; p++) {
            for (SegmentWriter writer : List.of(decoy[p], scores[p], results[p])) {
                writer.sealNow();
                writer.close();
            }
        }
        snapshotId = new SnapshotStore(archiveDir).create(APP, null, "batching test", Duration.ZERO).id();
    }

    @Test
    void singleScoresEveryRequestInACallOfItsOwn() throws Exception {
        JsonNode report = replay(ReplayBatching.SINGLE, "single").report();

        assertThat(report.at("/batching/mode").asText()).isEqualTo("single");
        assertThat(report.at("/batching/modelCalls").asLong()).isEqualTo(REQUESTS);
        assertThat(report.at("/batching/requestsInSharedCalls").asLong()).isZero();
        assertThat(report.at("/counts/compared").asLong()).isEqualTo(REQUESTS);
        assertThat(report.get("agreementRate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void asServedRebuildsEachServedCallAndReproducesItsOutputsExactly() throws Exception {
        JsonNode report = replay(ReplayBatching.AS_SERVED, "as-served").report();

        assertThat(report.at("/batching/mode").asText()).isEqualTo("as-served");
        // 40 in shared calls + 10 alone; the 10 old scores and the other model's score place nothing.
        assertThat(report.at("/batching/requestsWithRecordedCall").asLong()).isEqualTo(SHARED_CALLS * CALL_SIZE + 10);
        assertThat(report.at("/batching/requestsInSharedCalls").asLong()).isEqualTo(SHARED_CALLS * CALL_SIZE);
        assertThat(report.at("/batching/sharedCalls").asLong()).isEqualTo(SHARED_CALLS);
        assertThat(report.at("/batching/modelCalls").asLong()).isEqualTo(SHARED_CALLS + (REQUESTS - SHARED_CALLS * CALL_SIZE));
        assertThat(report.at("/counts/compared").asLong()).isEqualTo(REQUESTS);
        // Same calls, same row order: every replayed score is the served one to the bit, on the right request.
        assertThat(report.at("/scoreDelta/pairs").asLong()).isEqualTo(REQUESTS);
        assertThat(report.at("/scoreDelta/absMax").asDouble()).isZero();
    }

    @Test
    void anUnknownBatchingModeIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> ReplayBatching.parse("pairs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--batching is 'pairs'; expected single or as-served");
    }

    private static ReplayRunner.Result replay(ReplayBatching mode, String out) throws Exception {
        return ReplayRunner.run(ReplaySettings.of(archiveDir, snapshotId, lrManifest, dir.resolve(out)).withThreads(2).withBatching(mode), null);
    }

    /** The request at {@code position} of shared call {@code c}: positions run against input order. */
    private static int member(int c, int position) {
        return c * CALL_SIZE + (CALL_SIZE - 1 - position);
    }

    private static ModelScore score(int i, ObjectNode output) {
        long scoredAt = T0 + i * 10L + 2;
        if (i < SHARED_CALLS * CALL_SIZE) {
            int c = i / CALL_SIZE;
            int position = CALL_SIZE - 1 - i % CALL_SIZE;
            return new ModelScore(id(i), APP, "fraud-lr", "1", ModelRole.LIVE, output, null, 0, 10, CALL_SIZE, scoredAt)
                    .inBatch("0123456789abcdef-" + c, position);
        }
        if (i < SHARED_CALLS * CALL_SIZE + 10) {
            return new ModelScore(id(i), APP, "fraud-lr", "1", ModelRole.LIVE, output, null, 0, 10, 1, scoredAt).inBatch("alone-" + i, 0);
        }
        if (i == REQUESTS - 1) {
            // Another model's call with request 0's: not fraud-lr's, so it does not group this request.
            return new ModelScore(id(i), APP, "fraud-fm", "1", ModelRole.SHADOW, output, null, 0, 10, 2, scoredAt)
                    .inBatch("0123456789abcdef-0", 1);
        }
        return new ModelScore(id(i), APP, "fraud-lr", "1", ModelRole.LIVE, output, null, 0, 10, 3, scoredAt);
    }

    private static ObjectNode output(float[] row, String label) {
        ObjectNode output = JsonCodec.mapper().createObjectNode();
        var values = output.putArray("output");
        for (float value : row) {
            values.add(value);
        }
        output.put("label", label);
        return output;
    }

    private static String id(int i) {
        return "b-" + i;
    }

    private static byte[] line(String topic, int partition, long offset, long timestamp, String key, byte[] value) throws Exception {
        return LineEncoder.encode(new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty()));
    }
}
