package dev.rendezvous.archive.format.segment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads the newline-terminated lines of a segment file in order, each with its byte position in the file. */
public final class SegmentLines {
    private static final int CHUNK = 64 * 1024;

    private SegmentLines() {
    }

    /** Receives one line (without its newline); the array is reused, so copy what must outlive the call. */
    @FunctionalInterface
    public interface Visitor {
        /** Returns false to stop reading. */
        boolean visit(long position, byte[] line, int length) throws IOException;
    }

    /** Visits every complete line of {@code file}; bytes after the last newline (a torn tail) are ignored. */
    public static void read(Path file, Visitor visitor) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            read(in, visitor);
        }
    }

    /** Visits every complete line of {@code in}, which is read to its end unless the visitor stops. */
    public static void read(InputStream in, Visitor visitor) throws IOException {
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[CHUNK];
        int lineLength = 0;
        long position = 0;
        long lineStart = 0;
        int read;
        while ((read = in.read(chunk)) != -1) {
            int from = 0;
            for (int i = 0; i < read; i++) {
                if (chunk[i] != '\n') {
                    continue;
                }
                line = append(line, lineLength, chunk, from, i - from);
                lineLength += i - from;
                if (!visitor.visit(lineStart, line, lineLength)) {
                    return;
                }
                lineStart = position + i + 1;
                lineLength = 0;
                from = i + 1;
            }
            line = append(line, lineLength, chunk, from, read - from);
            lineLength += read - from;
            position += read;
        }
    }

    private static byte[] append(byte[] line, int length, byte[] chunk, int from, int count) {
        byte[] target = line;
        if (length + count > target.length) {
            target = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(chunk, from, target, length, count);
        return target;
    }
}
