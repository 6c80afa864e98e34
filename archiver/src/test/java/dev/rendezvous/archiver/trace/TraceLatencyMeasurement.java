package dev.rendezvous.archiver.trace;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archiver.ArchiveFixture;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Not a test (no timing assertions in tests): a measurement to run by hand. Archives N requests
 * (decoy input + one score each) in 64 MiB segments, seals them, then times random traces.
 * {@code mvn -o -q test-compile -pl archiver && java -cp "$(cat cp.txt):archiver/target/classes:archiver/target/test-classes"
 * dev.rendezvous.archiver.trace.TraceLatencyMeasurement 1000000 /tmp/trace-bench}
 */
public final class TraceLatencyMeasurement {
    private TraceLatencyMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("trace-bench");
        long start = System.nanoTime();
        long bytes = 0;
        try (ArchiveFixture archive = new ArchiveFixture(dir, "fraud", 64L << 20)) {
            var output = JsonNodeFactory.instance.objectNode().put("score", 0.5);
            for (int n = 0; n < requests; n++) {
                String id = "r-" + n;
                byte[] input = ArchiveFixture.request(id, n);
                byte[] score = JsonCodec.encode(new ModelScore(id, "fraud", "lr", "1", ModelRole.LIVE, output, null, 100, 200, 1, ArchiveFixture.T0 + n));
                archive.appendUnsynced("decoy", n % 4, n / 4, ArchiveFixture.T0 + n, id, input);
                archive.appendUnsynced("scores", n % 4, n / 4, ArchiveFixture.T0 + n, id, score);
                bytes += input.length + score.length;
            }
            archive.sealAll();
        }
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        int segments = SegmentCatalog.sealed(dir.resolve("fraud")).size();
        System.out.printf("archived %d records (%d requests) in %d sealed segments in %.1f s (%.0f records/s incl. sealing, values %d bytes)%n",
                2L * requests, requests, segments, writeSeconds, 2 * requests / writeSeconds, bytes);

        TraceReader reader = new TraceReader(dir);
        Random random = new Random(1);
        for (int warm = 0; warm < 200; warm++) {
            reader.trace("fraud", "r-" + random.nextInt(requests));
        }
        int samples = 1000;
        long[] micros = new long[samples];
        for (int i = 0; i < samples; i++) {
            String id = "r-" + random.nextInt(requests);
            long t = System.nanoTime();
            Trace trace = reader.trace("fraud", id).orElseThrow();
            micros[i] = (System.nanoTime() - t) / 1000;
            if (trace.inputs().size() != 1 || trace.scores().size() != 1) {
                throw new IllegalStateException("wrong trace for " + id);
            }
        }
        Arrays.sort(micros);
        System.out.printf("trace over %d records: p50 %d us, p99 %d us, max %d us (%d samples)%n",
                2L * requests, micros[samples / 2], micros[samples * 99 / 100], micros[samples - 1], samples);
    }
}
