package dev.rendezvous.bench.targets;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;
import java.util.Map;

/**
 * The demo features every target is fed, pre-encoded so that encoding costs nothing during a run:
 * HTTP bodies as {@code /v1/score/fraud} takes them, and request records as the gateway writes them
 * to Kafka (so that the Kafka floor moves records of the same size as the platform does).
 */
public final class Payloads {
    /** Seed of the sample features; not the training seed, so the models see unseen rows. */
    public static final long SEED = 7_001L;

    private final List<byte[]> httpBodies;
    private final List<byte[]> requestRecords;

    private Payloads(List<byte[]> httpBodies, List<byte[]> requestRecords) {
        this.httpBodies = httpBodies;
        this.requestRecords = requestRecords;
    }

    /** {@code count} distinct payloads, used round-robin. */
    public static Payloads demo(int count) {
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(SEED, count);
        List<byte[]> bodies = samples.stream().map(f -> JsonCodec.encode(Map.of("features", f))).toList();
        long now = System.currentTimeMillis();
        List<byte[]> records = samples.stream().map(f -> JsonCodec.encode(new ScoringRequest("bench-0000000000000000",
                DemoModels.APP, JsonCodec.mapper().valueToTree(f), null, now, now + 100, "rdv.replies.gw-bench", null))).toList();
        return new Payloads(bodies, records);
    }

    public byte[] httpBody(long sequence) {
        return httpBodies.get((int) (sequence % httpBodies.size()));
    }

    public byte[] requestRecord(long sequence) {
        return requestRecords.get((int) (sequence % requestRecords.size()));
    }

    /** Average size of the request records, in bytes. */
    public int averageRecordBytes() {
        return (int) requestRecords.stream().mapToInt(r -> r.length).average().orElse(0);
    }
}
