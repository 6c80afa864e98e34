package dev.rendezvous.archiver.trace;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.archive.format.segment.SegmentIndex;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ModelRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds every archived record of one request id (the key of all three topics): in sealed segments
 * through their key index (a binary search, then one line read per match), in open segments by a
 * scan, which stays short because open segments are sealed by size and age. Blocking file I/O: call
 * it off any event loop.
 */
public final class TraceReader {
    private static final List<String> KINDS = List.of("decoy", "scores", "results");

    private final Path archiveDir;

    public TraceReader(Path archiveDir) {
        this.archiveDir = archiveDir;
    }

    /** Everything archived about {@code requestId} in {@code app}; empty when nothing is. */
    public Optional<Trace> trace(String app, String requestId) throws IOException {
        ArchiveNames.requireApp(app);
        ArchiveNames.requireRequestId(requestId);
        Path appDir = archiveDir.resolve(app);
        List<SegmentSeal> sealed = SegmentCatalog.sealed(appDir);
        List<SegmentCatalog.OpenSegment> open = SegmentCatalog.open(appDir);
        Map<String, List<TracedRecord>> found = Map.of("decoy", new ArrayList<>(), "scores", new ArrayList<>(), "results", new ArrayList<>());
        for (SegmentSeal seal : sealed) {
            if (found.containsKey(seal.kind())) {
                findInSealed(SegmentCatalog.path(appDir, seal), seal, requestId, found.get(seal.kind()));
            }
        }
        for (SegmentCatalog.OpenSegment segment : open) {
            if (found.containsKey(segment.kind())) {
                findInOpen(segment, requestId, found.get(segment.kind()));
            }
        }
        Trace trace = new Trace(app, requestId, found.get("decoy"), found.get("scores"), found.get("results"));
        return trace.isEmpty() ? Optional.empty() : Optional.of(withControlPlane(trace));
    }

    /** Adds the policy version that decided and the served model's registry entry at the time, as archived. */
    private Trace withControlPlane(Trace trace) throws IOException {
        Optional<Decision> decision = trace.decision();
        if (decision.isEmpty()) {
            return trace;
        }
        ControlHistory history = new ControlHistory(archiveDir);
        ControlHistory.PolicyVersion policy = history.policy(trace.app(), decision.get().policyVersion()).orElse(null);
        ControlHistory.RegistryEntry served = null;
        if (decision.get().model() != null) {
            ModelRef ref = new ModelRef(decision.get().model(), decision.get().version());
            served = history.registrationAt(trace.app(), ref, decision.get().decidedAtMs()).orElse(null);
        }
        return trace.withControlPlane(policy, served);
    }

    /** Looks in every application of the archive; the first that has the request wins. */
    public Optional<Trace> trace(String requestId) throws IOException {
        ArchiveNames.requireRequestId(requestId);
        for (String app : SegmentCatalog.apps(archiveDir)) {
            Optional<Trace> trace = trace(app, requestId);
            if (trace.isPresent()) {
                return trace;
            }
        }
        return Optional.empty();
    }

    private static void findInSealed(Path segment, SegmentSeal seal, String requestId, List<TracedRecord> found) throws IOException {
        try {
            long[] positions = SegmentIndex.positions(SegmentFiles.indexPath(segment), requestId);
            if (positions.length == 0) {
                return;
            }
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
                for (long position : positions) {
                    byte[] line = readLine(channel, position);
                    if (requestId.equals(ArchivedLine.parse(line).key())) {
                        found.add(TracedRecord.of(seal.kind(), seal.relativePath(), true, line));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // Deleted by retention since we listed it.
        }
    }

    private static void findInOpen(SegmentCatalog.OpenSegment segment, String requestId, List<TracedRecord> found) throws IOException {
        byte[] needle = ("\"key\":\"" + requestId + "\"").getBytes(StandardCharsets.UTF_8);
        String relative = segment.kind() + "/" + segment.path().getFileName();
        try {
            SegmentLines.read(segment.path(), (position, line, length) -> {
                // A byte search first: parsing every line of the segment would cost ten times more.
                if (contains(line, length, needle)) {
                    byte[] copy = Arrays.copyOf(line, length);
                    if (requestId.equals(ArchivedLine.parse(copy).key())) {
                        found.add(TracedRecord.of(segment.kind(), relative, false, copy));
                    }
                }
                return true;
            });
        } catch (NoSuchFileException e) {
            // Removed after a crash left it empty.
        }
    }

    private static byte[] readLine(FileChannel channel, long position) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        long at = position;
        while (true) {
            buffer.clear();
            int read = channel.read(buffer, at);
            if (read <= 0) {
                throw new IOException("line at byte " + position + " has no end");
            }
            for (int i = 0; i < read; i++) {
                if (buffer.get(i) == '\n') {
                    line.write(buffer.array(), 0, i);
                    return line.toByteArray();
                }
            }
            line.write(buffer.array(), 0, read);
            at += read;
        }
    }

    private static boolean contains(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
