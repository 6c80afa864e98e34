package dev.rendezvous.bench.measure;

import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archiver.segment.SegmentLimits;
import dev.rendezvous.archiver.segment.SegmentWriter;
import dev.rendezvous.archiver.snapshot.ExportFormat;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.archiver.sql.ArchiveSql;
import dev.rendezvous.archiver.sql.SqlLimits;
import dev.rendezvous.archiver.sql.SqlResult;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * SQL over the archive and the Parquet export, at a size given: writes an archive of {@code n}
 * requests as the archiver lays it out (per request a decoy copy, three model scores and a decision;
 * 3 partitions, 64 MiB sealed segments, lines by the archiver's own encoder, no Kafka), snapshots it,
 * times the documented queries over the snapshot (count by model, p99 latency by model, p99 decision
 * latency by served model; best and median of {@code repeats} runs, each a fresh DuckDB database as
 * in production), then exports the snapshot to NDJSON and to Parquet and reports records per second
 * and bytes per record of each, beside the archive's own bytes per decoy record.
 */
public final class ArchiveSqlMeasurement {
    private static final int PARTITIONS = 3;
    private static final long SEGMENT_BYTES = 64L << 20;
    private static final String[][] MODELS = {{"fraud-fm", "1", "live"}, {"fraud-lr", "1", "live"}, {"fraud-lr", "2", "canary"}};
    /** The queries of docs/performance.md, by name. */
    public static final Map<String, String> QUERIES = queries();

    /** One query's timing. */
    public record Timing(String name, String sql, long rows, double bestMs, double medianMs) {
    }

    /** One export's throughput and size. */
    public record Export(String format, long rows, double seconds, double recordsPerSecond, long bytes, double bytesPerRecord) {
    }

    /** Everything measured. */
    public record Result(int requests, long archivedRecords, long archiveBytes, double decoyBytesPerRecord, double writeSeconds,
                         List<Timing> queries, List<Export> exports) {
    }

    private ArchiveSqlMeasurement() {
    }

    private static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("count by model", "SELECT model, version, count(*) AS n FROM scores GROUP BY ALL ORDER BY ALL");
        queries.put("p99 latency by model", "SELECT model, version, quantile_cont(latency_ms, 0.99) AS p99_ms FROM scores GROUP BY ALL ORDER BY ALL");
        queries.put("p99 decision latency by served model",
                "SELECT model, quantile_cont(latency_ms, 0.99) AS p99_ms, count(*) AS n FROM decisions GROUP BY ALL ORDER BY ALL");
        queries.put("requests where models disagreed", "SELECT count(*) FROM (SELECT request_id FROM scores WHERE error_code IS NULL "
                + "GROUP BY request_id HAVING count(DISTINCT label) > 1)");
        return queries;
    }

    public static Result measure(Path dir, int requests, int repeats) throws Exception {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> existing = Files.list(dir)) {
                if (existing.findAny().isPresent()) {
                    throw new IOException(dir + " is not empty; the measurement writes a fresh archive there");
                }
            }
        }
        Path archiveDir = dir.resolve("archive");
        long started = System.nanoTime();
        long records = writeArchive(archiveDir.resolve(DemoModels.APP), requests);
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        long archiveBytes = bytes(archiveDir.resolve(DemoModels.APP));
        double decoyBytes = (double) bytes(archiveDir.resolve(DemoModels.APP).resolve("decoy")) / requests;
        SnapshotStore snapshots = new SnapshotStore(archiveDir);
        String snapshot = snapshots.create(DemoModels.APP, null, "bench", Duration.ZERO).id();

        ArchiveSql sql = new ArchiveSql(archiveDir);
        SqlLimits limits = new SqlLimits(1_000, Duration.ofMinutes(30), "4GB");
        List<Timing> timings = new ArrayList<>();
        for (Map.Entry<String, String> query : QUERIES.entrySet()) {
            double[] ms = new double[repeats];
            long rows = 0;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                SqlResult result = sql.query(DemoModels.APP, snapshot, query.getValue(), limits);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                rows = result.rows().size();
            }
            Arrays.sort(ms);
            timings.add(new Timing(query.getKey(), query.getValue(), rows, ms[0], ms[repeats / 2]));
        }

        List<Export> exports = new ArrayList<>();
        for (ExportFormat format : ExportFormat.values()) {
            Path out = dir.resolve("export-" + format.wireName());
            long t0 = System.nanoTime();
            ExportManifest manifest = snapshots.export(DemoModels.APP, snapshot, out, format);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long size = Files.size(out.resolve(format.fileName()));
            exports.add(new Export(format.wireName(), manifest.rows(), seconds, manifest.rows() / seconds, size, (double) size / manifest.rows()));
        }
        return new Result(requests, records, archiveBytes, decoyBytes, writeSeconds, timings, exports);
    }

    /** Markdown for docs/performance.md. */
    public static String markdown(Result result, String command) {
        StringBuilder md = new StringBuilder();
        md.append("Archive of ").append(String.format("%,d", result.requests())).append(" requests (")
                .append(String.format("%,d", result.archivedRecords())).append(" records: decoy copy, 3 scores, decision each; ")
                .append(String.format("%.0f", result.archiveBytes() / 1048576.0)).append(" MiB in sealed 64 MiB segments), queried as one snapshot. `")
                .append(command).append("`\n\n| query | rows | best ms | median ms |\n|---|---|---|---|\n");
        for (Timing timing : result.queries()) {
            md.append("| ").append(timing.name()).append(" | ").append(timing.rows()).append(" | ")
                    .append(String.format("%.0f", timing.bestMs())).append(" | ").append(String.format("%.0f", timing.medianMs())).append(" |\n");
        }
        md.append("\n| export | rows | seconds | records/s | bytes/record |\n|---|---|---|---|---|\n");
        for (Export export : result.exports()) {
            md.append("| ").append(export.format()).append(" | ").append(export.rows()).append(" | ").append(String.format("%.1f", export.seconds()))
                    .append(" | ").append(String.format("%,.0f", export.recordsPerSecond())).append(" | ")
                    .append(String.format("%.1f", export.bytesPerRecord())).append(" |\n");
        }
        md.append("\nThe archive itself: ").append(String.format("%.1f", result.decoyBytesPerRecord()))
                .append(" bytes per decoy record (the NDJSON line with coordinates, headers and hash around the value).\n");
        return md.toString();
    }

    private static long writeArchive(Path appDir, int requests) throws IOException {
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(17, Math.min(requests, 5_000));
        SplittableRandom random = new SplittableRandom(17);
        long t0 = System.currentTimeMillis() - requests; // one request a millisecond, ending now
        Map<String, SegmentWriter> writers = new LinkedHashMap<>();
        long[] offsets = new long[3 * PARTITIONS];
        long records = 0;
        try {
            for (int i = 0; i < requests; i++) {
                int partition = i % PARTITIONS;
                String id = "bench-" + i;
                long received = t0 + i;
                String features = JsonCodec.mapper().writeValueAsString(samples.get(i % samples.size()));
                append(writers, appDir, "decoy", partition, offsets, received, id, "{\"id\":\"" + id + "\",\"app\":\"fraud\",\"features\":" + features
                        + ",\"receivedAtMs\":" + received + ",\"deadlineAtMs\":" + (received + 100) + ",\"replyTo\":\"rdv.replies.gw-bench\"}");
                String firstLabel = null;
                for (String[] model : MODELS) {
                    String label = random.nextInt(10) == 0 ? "fraud" : "legit";
                    firstLabel = firstLabel == null ? label : firstLabel;
                    long queueMicros = 50 + random.nextInt(2_000);
                    long inferenceMicros = 5 + random.nextInt(300);
                    append(writers, appDir, "scores", partition, offsets, received + 2, id, "{\"requestId\":\"" + id + "\",\"app\":\"fraud\",\"model\":\""
                            + model[0] + "\",\"version\":\"" + model[1] + "\",\"role\":\"" + model[2] + "\",\"output\":{\"output\":[0."
                            + random.nextInt(1000) + ",0.5],\"label\":\"" + label + "\"},\"queueWaitMicros\":" + queueMicros + ",\"inferenceMicros\":"
                            + inferenceMicros + ",\"batchSize\":1,\"scoredAtMs\":" + (received + 2) + "}");
                }
                long decided = received + 1 + random.nextInt(20);
                append(writers, appDir, "results", partition, offsets, decided, id, "{\"requestId\":\"" + id + "\",\"app\":\"fraud\",\"outcome\":\"model\","
                        + "\"model\":\"fraud-fm\",\"version\":\"1\",\"output\":{\"label\":\"" + firstLabel + "\"},\"reason\":\"preferred\",\"policyVersion\":1,"
                        + "\"late\":[],\"receivedAtMs\":" + received + ",\"deadlineAtMs\":" + (received + 100) + ",\"decidedAtMs\":" + decided + "}");
                records += 5;
            }
            for (SegmentWriter writer : writers.values()) {
                writer.sealNow();
            }
        } finally {
            for (SegmentWriter writer : writers.values()) {
                writer.close();
            }
        }
        return records;
    }

    private static void append(Map<String, SegmentWriter> writers, Path appDir, String kind, int partition, long[] offsets, long timestamp,
                               String key, String value) throws IOException {
        int slot = (kind.equals("decoy") ? 0 : kind.equals("scores") ? 1 : 2) * PARTITIONS + partition;
        SegmentWriter writer = writers.get(kind + partition);
        if (writer == null) {
            writer = SegmentWriter.open(appDir.resolve(kind), kind, partition, SegmentLimits.bySize(SEGMENT_BYTES), System::currentTimeMillis, null);
            writers.put(kind + partition, writer);
        }
        long offset = offsets[slot]++;
        writer.append(offset, LineEncoder.encode(new ConsumerRecord<>("fraud." + kind, partition, offset, timestamp, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty())));
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
