package dev.rendezvous.archiver.segment;

import dev.rendezvous.archiver.line.ArchivedLine;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends archive lines of one topic-partition to its current segment file, rolling to a new file
 * when the segment is full. Lines reach the disk only on {@link #sync()}; the caller commits Kafka
 * offsets after that, never before. Opening a writer recovers the newest segment (see
 * {@link SegmentRecovery}), so the writer knows the highest offset already archived.
 *
 * <p>Older segments are complete by construction: a segment is fsync'd before the next one is created.
 */
public final class SegmentWriter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);

    private final Path dir;
    private final String kind;
    private final int partition;
    private final long maxSegmentBytes;
    private FileChannel current;
    private long currentBytes;
    private long lastOffset;
    private boolean dirty;

    private SegmentWriter(Path dir, String kind, int partition, long maxSegmentBytes) {
        this.dir = dir;
        this.kind = kind;
        this.partition = partition;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /**
     * Opens the writer for {@code <dir>/<kind>-p<partition>-*.ndjson}, recovering the newest segment.
     *
     * @param history when not null, receives the lines of the segment before the newest and then of
     *                the newest, in order: at least one full segment, for dedupe state beyond offsets
     */
    public static SegmentWriter open(Path dir, String kind, int partition, long maxSegmentBytes,
                                     Consumer<ArchivedLine> history) throws IOException {
        if (maxSegmentBytes < 1) {
            throw new IllegalArgumentException("maxSegmentBytes must be positive, was " + maxSegmentBytes);
        }
        SegmentWriter writer = new SegmentWriter(dir, kind, partition, maxSegmentBytes);
        List<SegmentFiles.Segment> kept = writer.recover();
        try {
            if (history != null) {
                for (SegmentFiles.Segment segment : kept.subList(Math.max(0, kept.size() - 2), kept.size())) {
                    SegmentRecovery.read(segment.path(), history);
                }
            }
        } catch (IOException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
        return writer;
    }

    /** The highest offset in the segments, or -1 when nothing of this partition is archived. */
    public long lastOffset() {
        return lastOffset;
    }

    /** Appends one line (ending with its newline) for the record at {@code offset}, which must be above {@link #lastOffset()}. */
    public void append(long offset, byte[] line) throws IOException {
        if (offset <= lastOffset) {
            throw new IllegalArgumentException(kind + "-p" + partition + ": offset " + offset + " is not above the last archived offset " + lastOffset);
        }
        if (current == null || (currentBytes > 0 && currentBytes + line.length > maxSegmentBytes)) {
            roll(offset);
        }
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            current.write(buffer);
        }
        currentBytes += line.length;
        lastOffset = offset;
        dirty = true;
    }

    /** Forces every appended line to the disk (data and file size). */
    public void sync() throws IOException {
        if (dirty) {
            current.force(true);
            dirty = false;
        }
    }

    /** Syncs and closes the current segment. */
    @Override
    public void close() throws IOException {
        if (current != null) {
            sync();
            current.close();
            current = null;
        }
    }

    /** Closes without syncing, after a failure; the next writer's recovery decides what survived. */
    public void abandon() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                LOG.debug("{}-p{}: error while abandoning the segment", kind, partition, e);
            }
            current = null;
        }
    }

    /** Recovers the newest segment with a complete line and returns the segments kept, oldest first. */
    private List<SegmentFiles.Segment> recover() throws IOException {
        lastOffset = -1;
        List<SegmentFiles.Segment> segments = SegmentFiles.list(dir, kind, partition);
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path file = segments.get(i).path();
            SegmentRecovery.Result result = SegmentRecovery.recover(file);
            if (result.droppedBytes() > 0) {
                LOG.warn("{}: dropped {} bytes after the last complete line (offset {}); they were never committed and will be archived again",
                        file, result.droppedBytes(), result.lastOffset());
            }
            if (result.lines() > 0) {
                lastOffset = result.lastOffset();
                current = FileChannel.open(file, StandardOpenOption.WRITE);
                current.position(result.validBytes());
                currentBytes = result.validBytes();
                return segments.subList(0, i + 1);
            }
            // Created just before a crash and nothing in it survived: the previous segment is the newest.
            Files.delete(file);
            SegmentFiles.syncDirectory(dir);
        }
        return List.of();
    }

    private void roll(long firstOffset) throws IOException {
        close();
        SegmentFiles.createDirectoriesDurably(dir);
        Path file = dir.resolve(SegmentFiles.fileName(kind, partition, firstOffset));
        current = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        SegmentFiles.syncDirectory(dir);
        currentBytes = 0;
    }
}
