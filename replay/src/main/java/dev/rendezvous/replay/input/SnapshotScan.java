package dev.rendezvous.replay.input;

import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Reads the segments of one kind of a snapshot in partition then offset order and hands their lines,
 * in units, to a thread pool. The calling thread only splits lines and re-hashes each segment
 * (a mismatch or a missing segment fails the scan); parsing and everything after happen on the pool.
 * At most {@code maxUnitsInFlight} units wait or run at once, so memory stays bounded however big
 * the snapshot is. Results come back per unit, in input order.
 */
public final class SnapshotScan {
    /** Lines per unit: enough to amortise a task, few enough for smooth progress and even sharing. */
    public static final int UNIT_LINES = 2048;

    /** Processes one unit of lines (each without newline), all from one segment, keeping those at or below {@code cut}. */
    @FunctionalInterface
    public interface UnitProcessor<T> {
        T process(List<byte[]> lines, long cut) throws Exception;
    }

    private final ExecutorService pool;
    private final Semaphore inFlight;

    public SnapshotScan(ExecutorService pool, int maxUnitsInFlight) {
        this.pool = pool;
        this.inFlight = new Semaphore(maxUnitsInFlight);
    }

    /** Submits every unit of {@code kind}; the futures are in input order. */
    public <T> List<Future<T>> submit(Path archiveDir, Snapshot snapshot, String kind, UnitProcessor<T> processor)
            throws IOException, InterruptedException {
        Path appDir = archiveDir.resolve(snapshot.app());
        List<Future<T>> units = new ArrayList<>();
        List<SegmentSeal> seals = snapshot.segments().stream().filter(seal -> seal.kind().equals(kind))
                .sorted(Comparator.comparingInt(SegmentSeal::partition).thenComparingLong(SegmentSeal::firstOffset)).toList();
        for (SegmentSeal seal : seals) {
            long cut = snapshot.cut(kind, seal.partition()).orElse(seal.lastOffset());
            if (seal.firstOffset() <= cut) {
                submitSegment(SegmentCatalog.path(appDir, seal), seal, cut, processor, units);
            }
        }
        return units;
    }

    /** Waits for every unit and returns their results in order; a failed unit fails the whole scan. */
    public static <T> List<T> join(List<Future<T>> units) throws IOException, InterruptedException {
        List<T> results = new ArrayList<>(units.size());
        for (Future<T> unit : units) {
            try {
                results.add(unit.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(cause.toString(), cause);
            }
        }
        return results;
    }

    /** Expected records of a snapshot's kind, for progress: each segment's count, cut at its partition's cut offset. */
    public static long expectedRecords(Snapshot snapshot, String kind) {
        return snapshot.segments().stream().filter(seal -> seal.kind().equals(kind)).mapToLong(seal -> {
            long cut = snapshot.cut(kind, seal.partition()).orElse(seal.lastOffset());
            return cut >= seal.lastOffset() ? seal.records() : Math.max(0, Math.min(seal.records(), cut - seal.firstOffset() + 1));
        }).sum();
    }

    private <T> void submitSegment(Path segment, SegmentSeal seal, long cut, UnitProcessor<T> processor, List<Future<T>> units)
            throws IOException, InterruptedException {
        MessageDigest digest = sha256();
        List<byte[]>[] unit = new List[] {new ArrayList<byte[]>(UNIT_LINES)};
        try (InputStream in = new DigestInputStream(Files.newInputStream(segment), digest)) {
            // The whole file is read, also past the cut, to check its hash.
            SegmentLines.read(in, (position, line, length) -> {
                unit[0].add(Arrays.copyOf(line, length));
                if (unit[0].size() == UNIT_LINES) {
                    units.add(submitUnit(unit[0], cut, processor));
                    unit[0] = new ArrayList<>(UNIT_LINES);
                }
                return true;
            });
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(segment.toString(), null,
                    "segment " + seal.relativePath() + " named by the snapshot is missing (retention keeps referenced segments: deleted by hand?)");
        } catch (UncheckedInterrupt e) {
            throw e.getCause();
        }
        if (!unit[0].isEmpty()) {
            units.add(submitUnit(unit[0], cut, processor));
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(seal.sha256())) {
            throw new IOException(seal.relativePath() + " has sha256 " + actual + " but the snapshot names " + seal.sha256()
                    + "; the archive was changed, replay aborted (see archive snapshot verify)");
        }
    }

    private <T> Future<T> submitUnit(List<byte[]> lines, long cut, UnitProcessor<T> processor) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            throw new UncheckedInterrupt(e);
        }
        try {
            return pool.submit(() -> {
                try {
                    return processor.process(lines, cut);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    /** Carries an interrupt out of the line visitor, which may only throw IOException. */
    private static final class UncheckedInterrupt extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedInterrupt(InterruptedException cause) {
            super(cause);
        }

        @Override
        public synchronized InterruptedException getCause() {
            return (InterruptedException) super.getCause();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
