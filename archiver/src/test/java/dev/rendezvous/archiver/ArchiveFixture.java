package dev.rendezvous.archiver;

import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archiver.segment.SegmentLimits;
import dev.rendezvous.archiver.segment.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Writes archive segments of one application directly, as the archiver would, for tests without Kafka. */
public final class ArchiveFixture implements AutoCloseable {
    public static final long T0 = 1_700_000_000_000L;

    private final Path archiveDir;
    private final String app;
    private final long maxSegmentBytes;
    private final Map<String, SegmentWriter> writers = new HashMap<>();
    private long clockMs = T0;

    public ArchiveFixture(Path archiveDir, String app, long maxSegmentBytes) {
        this.archiveDir = archiveDir;
        this.app = app;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    public Path appDir() {
        return archiveDir.resolve(app);
    }

    /** The JSON text of a decoy input for {@code requestId}. */
    public static byte[] request(String requestId, int amount) {
        return utf8("{\"id\":\"" + requestId + "\",\"app\":\"fraud\",\"features\":{\"amount\":" + amount + "},\"receivedAtMs\":" + T0
                + ",\"deadlineAtMs\":" + (T0 + 50) + "}");
    }

    /** Appends and fsyncs one record of {@code kind} (decoy, scores or results). */
    public void append(String kind, int partition, long offset, long timestamp, String key, byte[] value) {
        try {
            SegmentWriter writer = writer(kind, partition);
            writer.append(offset, LineEncoder.encode(new ConsumerRecord<>(app + "." + kind, partition, offset, timestamp,
                    TimestampType.CREATE_TIME, -1, -1, key == null ? null : utf8(key), value, new RecordHeaders(), Optional.empty())));
            writer.sync();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends without fsync, for bulk measurements. */
    public void appendUnsynced(String kind, int partition, long offset, long timestamp, String key, byte[] value) {
        try {
            writer(kind, partition).append(offset, LineEncoder.encode(new ConsumerRecord<>(app + "." + kind, partition, offset, timestamp,
                    TimestampType.CREATE_TIME, -1, -1, key == null ? null : utf8(key), value, new RecordHeaders(), Optional.empty())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seals every open segment, as the archiver does on a seal request. */
    public void sealAll() {
        try {
            for (SegmentWriter writer : writers.values()) {
                writer.sealNow();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SegmentWriter writer(String kind, int partition) throws IOException {
        String key = kind + "-" + partition;
        SegmentWriter writer = writers.get(key);
        if (writer == null) {
            writer = SegmentWriter.open(appDir().resolve(kind), kind, partition, SegmentLimits.bySize(maxSegmentBytes), () -> clockMs, null);
            writers.put(key, writer);
        }
        return writer;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        for (SegmentWriter writer : writers.values()) {
            writer.close();
        }
        writers.clear();
    }
}
