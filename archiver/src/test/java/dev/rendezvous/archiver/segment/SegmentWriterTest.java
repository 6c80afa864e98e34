package dev.rendezvous.archiver.segment;

import dev.rendezvous.archive.format.segment.SegmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentWriterTest {
    private static final long LARGE = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void knowsTheHighestArchivedOffsetWhenReopened() throws IOException {
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            assertThat(writer.lastOffset()).isEqualTo(-1);
            append(writer, 0, 1, 2, 5);
        }

        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            assertThat(writer.lastOffset()).isEqualTo(5);
            append(writer, 6);
        }

        assertThat(offsetsOnDisk()).containsExactly(0L, 1L, 2L, 5L, 6L);
        assertThat(SegmentFiles.list(dir, "decoy", 0)).extracting(s -> s.path().getFileName().toString())
                .containsExactly("decoy-p0-00000000000000000000.ndjson");
    }

    @Test
    void refusesAnOffsetAtOrBelowTheLastArchivedOne() throws IOException {
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            append(writer, 3);

            assertThatThrownBy(() -> append(writer, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 3");
        }
    }

    static Stream<Arguments> crashTails() {
        byte[] nextLine = line(3);
        return Stream.of(
                Arguments.of("a torn last line", Arrays.copyOf(nextLine, nextLine.length / 2)),
                Arguments.of("a line torn right before its newline", Arrays.copyOf(nextLine, nextLine.length - 1)),
                Arguments.of("zero-filled blocks", new byte[8192]),
                Arguments.of("zeros, then a complete line", concat(new byte[100], nextLine)),
                Arguments.of("a complete line that is not an archive line", "not json\n".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("a line whose offset goes backwards", line(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashTails")
    void cutsOffWhatACrashLeftAfterTheLastCompleteLineAndAppendsAfterIt(String description, byte[] tail) throws IOException {
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            append(writer, 0, 1, 2);
        }
        Path segment = SegmentFiles.list(dir, "decoy", 0).get(0).path();
        long intactBytes = Files.size(segment);
        Files.write(segment, tail, StandardOpenOption.APPEND);

        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            assertThat(Files.size(segment)).isEqualTo(intactBytes);
            assertThat(writer.lastOffset()).isEqualTo(2);
            append(writer, 3);
        }

        assertThat(offsetsOnDisk()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void handsTheLinesOfTheNewestSegmentAndTheOneBeforeToTheHistoryReaderInOrder() throws IOException {
        long twoLines = line(0).length * 2L + 1;
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, twoLines, null)) {
            append(writer, 0, 1, 2, 3, 4);
        }
        List<Long> history = new ArrayList<>();

        SegmentWriter.open(dir, "decoy", 0, twoLines, line -> history.add(line.offset())).close();

        assertThat(history).containsExactly(2L, 3L, 4L);
    }

    @Test
    void rollsToASegmentNamedByItsFirstOffsetWhenTheCurrentOneIsFull() throws IOException {
        long twoLines = line(0).length * 2L + 1;
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, twoLines, null)) {
            append(writer, 0, 1, 2, 3, 4);
        }

        assertThat(SegmentFiles.list(dir, "decoy", 0)).extracting(SegmentFiles.Segment::firstOffset).containsExactly(0L, 2L, 4L);
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, twoLines, null)) {
            assertThat(writer.lastOffset()).isEqualTo(4);
            append(writer, 5, 6);
        }
        assertThat(SegmentFiles.list(dir, "decoy", 0)).extracting(SegmentFiles.Segment::firstOffset).containsExactly(0L, 2L, 4L, 6L);
        assertThat(offsetsOnDisk()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void removesANewestSegmentThatACrashLeftWithoutAnyCompleteLine() throws IOException {
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            append(writer, 0, 1);
        }
        Path empty = dir.resolve(SegmentFiles.fileName("decoy", 0, 2));
        Files.write(empty, Arrays.copyOf(line(2), 10));

        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, LARGE, null)) {
            assertThat(writer.lastOffset()).isEqualTo(1);
            append(writer, 2);
        }

        assertThat(empty).doesNotExist();
        assertThat(offsetsOnDisk()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void writesLinesInOrderWhetherTheyFitTheWriteBufferOrNot() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        try (SegmentWriter writer = SegmentWriter.open(dir, "decoy", 0, 16L << 20, null)) {
            for (int offset = 0; offset < 400; offset++) {
                int valueBytes = offset % 50 == 7 ? 150_000 : offset % 3 * 1_000;
                byte[] line = line(offset, "{\"pad\":\"" + "x".repeat(valueBytes) + "\"}");
                lines.add(line);
                writer.append(offset, line);
            }
        }

        Path segment = SegmentFiles.list(dir, "decoy", 0).get(0).path();
        assertThat(Files.readAllBytes(segment)).isEqualTo(concat(lines.toArray(byte[][]::new)));
    }

    @Test
    void keepsPartitionsAndKindsInSeparateFiles() throws IOException {
        try (SegmentWriter p0 = SegmentWriter.open(dir, "decoy", 0, LARGE, null);
             SegmentWriter p1 = SegmentWriter.open(dir, "decoy", 1, LARGE, null);
             SegmentWriter scores = SegmentWriter.open(dir, "scores", 0, LARGE, null)) {
            append(p0, 0);
            append(p1, 5);
            append(scores, 9);
        }

        try (SegmentWriter p1 = SegmentWriter.open(dir, "decoy", 1, LARGE, null)) {
            assertThat(p1.lastOffset()).isEqualTo(5);
        }
        assertThat(SegmentFiles.list(dir, "scores", 0)).extracting(SegmentFiles.Segment::firstOffset).containsExactly(9L);
    }

    private static void append(SegmentWriter writer, long... offsets) throws IOException {
        for (long offset : offsets) {
            writer.append(offset, line(offset));
        }
        writer.sync();
    }

    private List<Long> offsetsOnDisk() throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (SegmentFiles.Segment segment : SegmentFiles.list(dir, "decoy", 0)) {
            for (String text : Files.readAllLines(segment.path(), StandardCharsets.UTF_8)) {
                offsets.add(ArchivedLine.parse(text.getBytes(StandardCharsets.UTF_8)).offset());
            }
        }
        return offsets;
    }

    private static byte[] line(long offset) {
        return line(offset, "{\"n\":" + offset + "}");
    }

    private static byte[] line(long offset, String json) {
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        return LineEncoder.encode(new ConsumerRecord<>("fraud.decoy", 0, offset, 1L, TimestampType.CREATE_TIME,
                -1, value.length, null, value, new RecordHeaders(), Optional.empty()));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
