package dev.rendezvous.archiver.segment;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.segment.SegmentSeals;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends archive lines of one topic-partition to its current (open) segment file, sealing it (see
 * {@link SegmentSealer}) when it is full or old enough and starting the next one on the next line.
 * Lines are collected in a write buffer, written to the file when it is full, and reach the disk
 * only on {@link #sync()}; the caller commits Kafka offsets after that, never before. Opening a
 * writer recovers the newest segment (see {@link SegmentRecovery}) unless it is sealed, so the writer
 * knows the highest offset already archived.
 *
 * <p>Older segments are complete by construction: a segment is fsync'd and sealed before the next one
 * is created; one a crash left unsealed is sealed when the writer opens.
 */
public final class SegmentWriter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);
    /** One {@code write} per this many bytes instead of one per line (a few hundred bytes each). */
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    private final Path dir;
    private final String kind;
    private final int partition;
    private final SegmentLimits limits;
    private final LongSupplier clockMs;
    private final ByteBuffer unwritten = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private FileChannel current;
    private Path currentFile;
    private long currentCreatedMs;
    private long currentBytes;
    private long lastOffset;
    private boolean dirty;

    private SegmentWriter(Path dir, String kind, int partition, SegmentLimits limits, LongSupplier clockMs) {
        this.dir = dir;
        this.kind = kind;
        this.partition = partition;
        this.limits = limits;
        this.clockMs = clockMs;
    }

    /** Opens a writer that rolls by size only, on the system clock. */
    public static SegmentWriter open(Path dir, String kind, int partition, long maxSegmentBytes,
                                     Consumer<ArchivedLine> history) throws IOException {
        return open(dir, kind, partition, SegmentLimits.bySize(maxSegmentBytes), System::currentTimeMillis, history);
    }

    /**
     * Opens the writer for {@code <dir>/<kind>-p<partition>-*.ndjson}, recovering the newest segment.
     *
     * @param history when not null, receives the lines of the segment before the newest and then of
     *                the newest, in order: at least one full segment, for dedupe state beyond offsets
     */
    public static SegmentWriter open(Path dir, String kind, int partition, SegmentLimits limits, LongSupplier clockMs,
                                     Consumer<ArchivedLine> history) throws IOException {
        SegmentWriter writer = new SegmentWriter(dir, kind, partition, limits, clockMs);
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
        append(offset, line, line.length);
    }

    /** Appends the line in the first {@code length} bytes of {@code line}; see {@link #append(long, byte[])}. */
    public void append(long offset, byte[] line, int length) throws IOException {
        if (offset <= lastOffset) {
            throw new IllegalArgumentException(kind + "-p" + partition + ": offset " + offset + " is not above the last archived offset " + lastOffset);
        }
        if (current != null && currentBytes > 0 && (currentBytes + length > limits.maxBytes() || isDue())) {
            sealCurrent();
        }
        if (current == null) {
            create(offset);
        }
        if (length > unwritten.remaining()) {
            writeBuffered();
        }
        if (length > unwritten.capacity()) {
            writeFully(ByteBuffer.wrap(line, 0, length));
        } else {
            unwritten.put(line, 0, length);
        }
        currentBytes += length;
        lastOffset = offset;
        dirty = true;
    }

    /** Writes and forces every appended line to the disk (data and file size). */
    public void sync() throws IOException {
        if (dirty) {
            writeBuffered();
            current.force(true);
            dirty = false;
        }
    }

    /** Only whole lines are buffered, so a reader of the open segment never sees a line this writer has half written. */
    private void writeBuffered() throws IOException {
        unwritten.flip();
        writeFully(unwritten);
        unwritten.clear();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            current.write(bytes);
        }
    }

    /** Seals the open segment if it has been open for the maximum age; returns whether it did. */
    public boolean sealIfDue() throws IOException {
        if (current != null && isDue()) {
            sealCurrent();
            return true;
        }
        return false;
    }

    /** Seals the open segment, if any, e.g. for a snapshot; the next line starts a new segment. */
    public void sealNow() throws IOException {
        if (current != null) {
            sealCurrent();
        }
    }

    private boolean isDue() {
        return clockMs.getAsLong() - currentCreatedMs >= limits.maxAgeMs();
    }

    private void sealCurrent() throws IOException {
        close();
        Path file = currentFile;
        currentFile = null;
        SegmentSeal seal = SegmentSealer.seal(file, clockMs.getAsLong());
        LOG.info("{}: sealed {} records, offsets {}..{}, {} bytes, sha256 {}", file, seal.records(), seal.firstOffset(),
                seal.lastOffset(), seal.bytes(), seal.sha256());
    }

    /** Syncs and closes the current segment, leaving it open (unsealed) for the next writer. */
    @Override
    public void close() throws IOException {
        if (current != null) {
            sync();
            current.close();
            current = null;
        }
    }

    /** Closes without writing or syncing, after a failure; the next writer's recovery decides what survived. */
    public void abandon() {
        unwritten.clear();
        dirty = false;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                LOG.debug("{}-p{}: error while abandoning the segment", kind, partition, e);
            }
            current = null;
            currentFile = null;
        }
    }

    /**
     * Recovers the newest segment with a complete line and returns the segments kept, oldest first. A
     * sealed newest segment is left as it is; the next line starts a new one.
     */
    private List<SegmentFiles.Segment> recover() throws IOException {
        lastOffset = -1;
        List<SegmentFiles.Segment> segments = SegmentFiles.list(dir, kind, partition);
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path file = segments.get(i).path();
            Optional<SegmentSeal> seal = SegmentSeals.readSeal(file);
            if (seal.isPresent()) {
                SegmentSealer.makeReadOnly(file);
                lastOffset = seal.get().lastOffset();
                sealOlderThan(segments, i);
                return segments.subList(0, i + 1);
            }
            SegmentRecovery.Result result = SegmentRecovery.recover(file);
            if (result.droppedBytes() > 0) {
                LOG.warn("{}: dropped {} bytes after the last complete line (offset {}); they were never committed and will be archived again",
                        file, result.droppedBytes(), result.lastOffset());
            }
            if (result.lines() > 0) {
                lastOffset = result.lastOffset();
                current = FileChannel.open(file, StandardOpenOption.WRITE);
                current.position(result.validBytes());
                currentFile = file;
                currentBytes = result.validBytes();
                currentCreatedMs = Math.min(clockMs.getAsLong(),
                        Files.readAttributes(file, BasicFileAttributes.class).creationTime().toMillis());
                // Lines a killed writer left in the page cache count as archived now: the next sync (or the seal) must force them too.
                dirty = true;
                sealOlderThan(segments, i);
                return segments.subList(0, i + 1);
            }
            // Created just before a crash and nothing in it survived: the previous segment is the newest.
            Files.delete(file);
            DurableFiles.syncDirectory(dir);
        }
        return List.of();
    }

    /** Seals segments before the newest that a crash (or an archive from before sealing existed) left unsealed. */
    private void sealOlderThan(List<SegmentFiles.Segment> segments, int newest) throws IOException {
        for (SegmentFiles.Segment segment : segments.subList(0, newest)) {
            if (!SegmentSeals.isSealed(segment.path())) {
                LOG.warn("{}: found complete but unsealed; sealing it now", segment.path());
                SegmentSealer.seal(segment.path(), clockMs.getAsLong());
            }
        }
    }

    private void create(long firstOffset) throws IOException {
        DurableFiles.createDirectoriesDurably(dir);
        Path file = dir.resolve(SegmentFiles.fileName(kind, partition, firstOffset));
        current = DurableFiles.createOwnerOnly(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        DurableFiles.syncDirectory(dir);
        currentFile = file;
        currentCreatedMs = clockMs.getAsLong();
        currentBytes = 0;
    }
}
