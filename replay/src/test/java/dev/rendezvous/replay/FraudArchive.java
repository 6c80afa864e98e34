package dev.rendezvous.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archiver.segment.SegmentWriter;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A 100,000-request archive of app {@code fraud}, written directly in the archive format (no Kafka),
 * with a snapshot over it, built once per test JVM. What was "served" follows a fixed plan, so tests
 * can compute the expected agreement independently; see {@link Plan}.
 */
final class FraudArchive {
    static final int REQUESTS = 100_000;
    static final int PARTITIONS = 2;
    static final long T0 = 1_750_000_000_000L;
    static final String APP = "fraud";
    private static FraudArchive built;

    final Path archiveDir;
    final String snapshotId;
    final Path fmManifest;
    final Path lrManifest;
    final List<Map<String, Number>> features;
    final float[][] fmOutputs;
    final float[][] lrOutputs;
    final DirectOnnx fm;
    final DirectOnnx lr;

    /** What was served for request i, and which inputs are not requests at all. */
    enum Plan {
        FM, LR, FALLBACK, TIMEOUT, NOT_ARCHIVED, GARBAGE;

        static Plan of(int i) {
            if (i == 5 || i == 6) {
                return GARBAGE;
            }
            if (i % 1000 == 999) {
                return NOT_ARCHIVED;
            }
            if (i % 211 == 0) {
                return TIMEOUT;
            }
            if (i % 97 == 0) {
                return FALLBACK;
            }
            return i % 10 == 3 ? LR : FM;
        }
    }

    private FraudArchive(Path archiveDir, String snapshotId, Path fmManifest, Path lrManifest, List<Map<String, Number>> features,
                         float[][] fmOutputs, float[][] lrOutputs, DirectOnnx fm, DirectOnnx lr) {
        this.archiveDir = archiveDir;
        this.snapshotId = snapshotId;
        this.fmManifest = fmManifest;
        this.lrManifest = lrManifest;
        this.features = features;
        this.fmOutputs = fmOutputs;
        this.lrOutputs = lrOutputs;
        this.fm = fm;
        this.lr = lr;
    }

    static synchronized FraudArchive get() throws Exception {
        if (built == null) {
            // Under target/, not /tmp: the archive is ~90 MB and `mvn clean` should take it away.
            Path dir = Path.of("target", "replay-fixture").toAbsolutePath();
            deleteRecursively(dir);
            built = build(Files.createDirectories(dir));
        }
        return built;
    }

    private ReplayRunner.Result servedReplay;

    /** The replay of fraud-fm@1 against what was served, run once per JVM, with 2 threads. */
    synchronized ReplayRunner.Result servedReplay() throws Exception {
        if (servedReplay == null) {
            servedReplay = ReplayRunner.run(ReplaySettings.of(archiveDir, snapshotId, fmManifest, archiveDir.resolveSibling("served-report"))
                    .withThreads(2), System.out);
        }
        return servedReplay;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                // Sealed segments and snapshots are read-only files; on POSIX the directory's write bit is what counts.
                path.toFile().setWritable(true);
                Files.delete(path);
            }
        }
    }

    static String requestId(int i) {
        return "r-" + i;
    }

    static int partition(int i) {
        return i % PARTITIONS;
    }

    static long receivedAtMs(int i) {
        return T0 + i * 10L;
    }

    private static FraudArchive build(Path dir) throws Exception {
        // Kept under target/ across runs: the demo models train once, later runs only check their hashes.
        List<Path> manifests = DemoModels.ensure(Path.of("target", "demo-models"));
        Path fmManifest = manifests.stream().filter(p -> p.getFileName().toString().equals("fraud-fm-1.yaml")).findFirst().orElseThrow();
        Path lrManifest = manifests.stream().filter(p -> p.getFileName().toString().equals("fraud-lr-1.yaml")).findFirst().orElseThrow();
        List<Map<String, Number>> features = DemoModels.sampleFeatures(7, REQUESTS);
        DirectOnnx fm = new DirectOnnx(ModelManifest.load(fmManifest));
        DirectOnnx lr = new DirectOnnx(ModelManifest.load(lrManifest));
        float[][] fmOutputs = fm.score(features);
        float[][] lrOutputs = lr.score(features);
        Path archiveDir = dir.resolve("archive");
        Path appDir = archiveDir.resolve(APP);
        long[] nextOffset = new long[PARTITIONS * 2];
        SegmentWriter[] decoy = new SegmentWriter[PARTITIONS];
        SegmentWriter[] results = new SegmentWriter[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            decoy[p] = SegmentWriter.open(appDir.resolve("decoy"), "decoy", p, 1L << 30, null);
            results[p] = SegmentWriter.open(appDir.resolve("results"), "results", p, 1L << 30, null);
        }
        for (int i = 0; i < REQUESTS; i++) {
            int p = partition(i);
            Plan plan = Plan.of(i);
            byte[] request = plan == Plan.GARBAGE ? (i == 5 ? "not json at all".getBytes(StandardCharsets.UTF_8)
                    : "{\"id\":\"r-6\",\"app\":\"fraud\"}".getBytes(StandardCharsets.UTF_8))
                    : JsonCodec.encode(new ScoringRequest(requestId(i), APP, JsonCodec.mapper().valueToTree(features.get(i)), null,
                            receivedAtMs(i), receivedAtMs(i) + 100, null, null));
            long offset = nextOffset[p]++;
            decoy[p].append(offset, line(APP + ".decoy", p, offset, receivedAtMs(i), requestId(i), request));
            Decision decision = decision(i, plan, fm, lr, fmOutputs[i], lrOutputs[i]);
            if (decision != null) {
                long resultOffset = nextOffset[PARTITIONS + p]++;
                results[p].append(resultOffset, line(APP + ".results", p, resultOffset, receivedAtMs(i) + 5, requestId(i), JsonCodec.encode(decision)));
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            decoy[p].sealNow();
            decoy[p].close();
            results[p].sealNow();
            results[p].close();
        }
        String id = new SnapshotStore(archiveDir).create(APP, null, "replay test", Duration.ZERO).id();
        return new FraudArchive(archiveDir, id, fmManifest, lrManifest, features, fmOutputs, lrOutputs, fm, lr);
    }

    private static Decision decision(int i, Plan plan, DirectOnnx fm, DirectOnnx lr, float[] fmRow, float[] lrRow) {
        long received = receivedAtMs(i);
        return switch (plan) {
            case FM -> served(i, "fraud-fm", output(fmRow, fm.label(fmRow)));
            case LR -> served(i, "fraud-lr", output(lrRow, lr.label(lrRow)));
            case FALLBACK -> new Decision(requestId(i), APP, Outcome.FALLBACK, null, null,
                    JsonCodec.mapper().createObjectNode().put("label", "legit"), "fallback", 1, null, null, null, received, received + 100, received + 100);
            case TIMEOUT -> new Decision(requestId(i), APP, Outcome.TIMEOUT, null, null, null, "timeout", 1, null, null, null,
                    received, received + 100, received + 100);
            case NOT_ARCHIVED, GARBAGE -> null;
        };
    }

    private static Decision served(int i, String model, ObjectNode output) {
        return new Decision(requestId(i), APP, Outcome.MODEL, model, "1", output, "preferred", 1, null, null, null,
                receivedAtMs(i), receivedAtMs(i) + 100, receivedAtMs(i) + 3);
    }

    /** The runner's output shape: one member per ONNX output plus the argmax label. */
    private static ObjectNode output(float[] row, String label) {
        ObjectNode output = JsonCodec.mapper().createObjectNode();
        var values = output.putArray("output");
        for (float value : row) {
            values.add(value);
        }
        output.put("label", label);
        return output;
    }

    private static byte[] line(String topic, int partition, long offset, long timestamp, String key, byte[] value) throws IOException {
        return LineEncoder.encode(new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty()));
    }
}
