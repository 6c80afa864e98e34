package dev.rendezvous.archiver;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.line.SourceCoordinates;
import dev.rendezvous.archiver.segment.SegmentLimits;
import dev.rendezvous.archiver.segment.SegmentWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The archive of one topic-partition: appends each record once, skipping what the segments already
 * hold (by offset) and, for decoy records, the decoy's own repeats (by source coordinates).
 */
final class PartitionArchive implements Closeable {
    private final SegmentWriter writer;
    private final SourceWatermarks watermarks;
    private final boolean dedupeBySource;
    private final LineEncoder encoder = new LineEncoder();
    private long archived;
    private long appendedBytes;
    private long skipped;

    private PartitionArchive(SegmentWriter writer, SourceWatermarks watermarks, boolean dedupeBySource) {
        this.writer = writer;
        this.watermarks = watermarks;
        this.dedupeBySource = dedupeBySource;
    }

    /**
     * Opens (and recovers) the partition's segments. Only decoy records are deduplicated by source:
     * several scores of one request legitimately share a source, should a runner ever stamp one.
     * Their source history is rebuilt from the last full segment or more, far beyond how much a
     * restarted decoy copies again (what it had not committed: about one poll batch).
     */
    static PartitionArchive open(Path archiveDir, ArchiveTarget target, int partition, long maxSegmentBytes) throws IOException {
        return open(archiveDir, target, partition, SegmentLimits.bySize(maxSegmentBytes), System::currentTimeMillis);
    }

    static PartitionArchive open(Path archiveDir, ArchiveTarget target, int partition, SegmentLimits limits, LongSupplier clockMs) throws IOException {
        SourceWatermarks watermarks = new SourceWatermarks();
        boolean dedupeBySource = target.kind() == RecordKind.DECOY;
        Consumer<ArchivedLine> history = dedupeBySource ? line -> {
            if (line.source() != null) {
                watermarks.advance(line.source());
            }
        } : null;
        SegmentWriter writer = SegmentWriter.open(target.directory(archiveDir), target.kind().dirName(), partition, limits, clockMs, history);
        return new PartitionArchive(writer, watermarks, dedupeBySource);
    }

    /** Appends the record unless it is archived already; returns whether it was written. */
    boolean append(ConsumerRecord<byte[], byte[]> record) throws IOException {
        if (record.offset() <= writer.lastOffset()) {
            skipped++;
            return false;
        }
        Optional<SourceCoordinates> source = dedupeBySource ? SourceCoordinates.fromHeaders(record.headers()) : Optional.empty();
        if (source.isPresent() && watermarks.isRepeat(source.get())) {
            skipped++;
            return false;
        }
        int length = encoder.encodeIntoBuffer(record);
        writer.append(record.offset(), encoder.buffer(), length);
        appendedBytes += length;
        source.ifPresent(watermarks::advance);
        archived++;
        return true;
    }

    /** Makes every appended line durable. */
    void sync() throws IOException {
        writer.sync();
    }

    /** Seals the open segment once it reaches its maximum age; returns whether it did. */
    boolean sealIfDue() throws IOException {
        return writer.sealIfDue();
    }

    /** Seals the open segment, if any. */
    void sealNow() throws IOException {
        writer.sealNow();
    }

    long lastOffset() {
        return writer.lastOffset();
    }

    /** Records written since opening. */
    long archived() {
        return archived;
    }

    /** Bytes of the lines written since opening. */
    long appendedBytes() {
        return appendedBytes;
    }

    /** Records skipped since opening, as already archived or as decoy repeats. */
    long skipped() {
        return skipped;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /** Drops the writer without syncing after a failure; reopening recovers from what is on disk. */
    void abandon() {
        writer.abandon();
    }
}
