package dev.rendezvous.archiver.segment;

import dev.rendezvous.archive.format.line.ArchivedLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Finds the longest prefix of a segment that is made of complete archive lines with increasing
 * offsets, and cuts off the rest: what a crash left half-written (a torn last line) or, after a power
 * loss, never reached the disk (zeros or garbage). Everything after the cut was never committed to
 * Kafka, so the consumer reads it again.
 */
final class SegmentRecovery {
    private static final int CHUNK = 64 * 1024;

    private SegmentRecovery() {
    }

    /** What recovery kept of one segment. */
    record Result(long validBytes, long droppedBytes, long lines, long lastOffset) {
    }

    /** Recovers {@code file} in place; {@code lastOffset} is -1 when no line is kept. */
    static Result recover(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            Result result = scan(Channels.newInputStream(channel), line -> { });
            if (result.validBytes() < size) {
                channel.truncate(result.validBytes());
                channel.force(true);
            }
            return new Result(result.validBytes(), size - result.validBytes(), result.lines(), result.lastOffset());
        }
    }

    /** Hands each line of the valid prefix of {@code file} to {@code line}, in order, without changing the file. */
    static void read(Path file, Consumer<ArchivedLine> line) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            scan(in, line);
        }
    }

    private static Result scan(InputStream in, Consumer<ArchivedLine> keptLine) throws IOException {
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[CHUNK];
        int lineLength = 0;
        long validBytes = 0;
        long lines = 0;
        long lastOffset = -1;
        int read;
        while ((read = in.read(chunk)) != -1) {
            for (int i = 0; i < read; i++) {
                if (chunk[i] == 0) {
                    // Never part of a line we write (JSON escapes control characters): blocks a power loss zero-filled.
                    return new Result(validBytes, 0, lines, lastOffset);
                }
                if (chunk[i] != '\n') {
                    if (lineLength == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[lineLength++] = chunk[i];
                    continue;
                }
                ArchivedLine parsed = parseOrNull(line, lineLength);
                if (parsed == null || parsed.offset() <= lastOffset) {
                    return new Result(validBytes, 0, lines, lastOffset);
                }
                keptLine.accept(parsed);
                validBytes += lineLength + 1;
                lines++;
                lastOffset = parsed.offset();
                lineLength = 0;
            }
        }
        // Bytes after the last newline are a torn line: the writer always ends a line with its newline.
        return new Result(validBytes, 0, lines, lastOffset);
    }

    private static ArchivedLine parseOrNull(byte[] line, int length) {
        try {
            return ArchivedLine.parse(line, length);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
