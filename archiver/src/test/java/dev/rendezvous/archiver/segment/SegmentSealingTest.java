package dev.rendezvous.archiver.segment;

import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.archive.format.segment.SegmentIndex;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.segment.SegmentSeals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentSealingTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long THREE_LINES = 3L * line(0).length + 1;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(T0);

    @Test
    void sealsAFullSegmentWithItsHashRecordCountOffsetsAndTimeRange() throws IOException {
        try (SegmentWriter writer = open(SegmentLimits.bySize(THREE_LINES))) {
            append(writer, 0, 1, 2, 3);
        }

        List<SegmentFiles.Segment> segments = SegmentFiles.list(dir, "decoy", 0);
        Path first = segments.get(0).path();
        SegmentSeal seal = SegmentSeals.readSeal(first).orElseThrow();
        assertThat(seal.sha256()).isEqualTo(SegmentSeals.sha256(first));
        assertThat(seal).extracting(SegmentSeal::file, SegmentSeal::kind, SegmentSeal::partition, SegmentSeal::bytes, SegmentSeal::records,
                        SegmentSeal::firstOffset, SegmentSeal::lastOffset, SegmentSeal::minTimestamp, SegmentSeal::maxTimestamp)
                .containsExactly(first.getFileName().toString(), "decoy", 0, Files.size(first), 3L, 0L, 2L, T0, T0 + 2);
        assertThat(SegmentSeals.isSealed(segments.get(1).path())).as("the newest segment stays open").isFalse();
    }

    @Test
    void makesASealedSegmentAndItsSidecarsReadOnly() throws IOException {
        try (SegmentWriter writer = open(SegmentLimits.bySize(THREE_LINES))) {
            append(writer, 0, 1, 2, 3);
        }

        Path first = SegmentFiles.list(dir, "decoy", 0).get(0).path();
        for (Path file : List.of(first, SegmentFiles.sealPath(first), SegmentFiles.indexPath(first))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("r--------");
        }
    }

    @Test
    void sealsAnIdleSegmentOnceItReachesItsMaximumAge() throws IOException {
        try (SegmentWriter writer = open(new SegmentLimits(1 << 20, 60_000))) {
            append(writer, 0, 1);
            clock.addAndGet(59_999);
            assertThat(writer.sealIfDue()).isFalse();

            clock.addAndGet(1);
            assertThat(writer.sealIfDue()).isTrue();
            append(writer, 2);
        }

        assertThat(SegmentFiles.list(dir, "decoy", 0)).extracting(SegmentFiles.Segment::firstOffset).containsExactly(0L, 2L);
        assertThat(SegmentSeals.readSeal(SegmentFiles.list(dir, "decoy", 0).get(0).path()).orElseThrow().records()).isEqualTo(2);
    }

    @Test
    void startsANewSegmentAfterAReopenWhenTheNewestOneIsSealed() throws IOException {
        try (SegmentWriter writer = open(SegmentLimits.bySize(1 << 20))) {
            append(writer, 0, 1);
            writer.sealNow();
        }

        try (SegmentWriter writer = open(SegmentLimits.bySize(1 << 20))) {
            assertThat(writer.lastOffset()).isEqualTo(1);
            append(writer, 2);
        }

        assertThat(SegmentFiles.list(dir, "decoy", 0)).extracting(SegmentFiles.Segment::firstOffset).containsExactly(0L, 2L);
        assertThat(offsets(SegmentFiles.list(dir, "decoy", 0).get(0).path())).containsExactly(0L, 1L);
    }

    @Test
    void sealsAnOlderSegmentThatACrashLeftUnsealedWhenReopened() throws IOException {
        try (SegmentWriter writer = open(SegmentLimits.bySize(THREE_LINES))) {
            append(writer, 0, 1, 2, 3);
        }
        Path first = SegmentFiles.list(dir, "decoy", 0).get(0).path();
        String hash = SegmentSeals.readSeal(first).orElseThrow().sha256();
        // As if the crash came between the segment's fsync and its seal.
        Files.delete(SegmentFiles.sealPath(first));
        Files.delete(SegmentFiles.indexPath(first));

        open(SegmentLimits.bySize(THREE_LINES)).close();

        assertThat(SegmentSeals.readSeal(first)).get().extracting(SegmentSeal::sha256).isEqualTo(hash);
    }

    @Test
    void indexesEveryLineOfAKeyByItsPositionInTheFile() throws IOException {
        try (SegmentWriter writer = open(SegmentLimits.bySize(1 << 20))) {
            for (long offset = 0; offset < 200; offset++) {
                writer.append(offset, line(offset, "r-" + (offset % 50)));
            }
            writer.sync();
            writer.sealNow();
        }
        Path segment = SegmentFiles.list(dir, "decoy", 0).get(0).path();
        byte[] bytes = Files.readAllBytes(segment);

        long[] positions = SegmentIndex.positions(SegmentFiles.indexPath(segment), "r-7");

        List<Long> offsets = new ArrayList<>();
        for (long position : positions) {
            int end = position == 0 ? 0 : (int) position;
            while (bytes[end] != '\n') {
                end++;
            }
            ArchivedLine line = ArchivedLine.parse(Arrays.copyOfRange(bytes, (int) position, end));
            assertThat(line.key()).isEqualTo("r-7");
            offsets.add(line.offset());
        }
        assertThat(offsets).containsExactly(7L, 57L, 107L, 157L);
        assertThat(SegmentIndex.positions(SegmentFiles.indexPath(segment), "r-404")).isEmpty();
    }

    @Test
    void refusesToSealASegmentWhoseLastLineIsTorn() throws IOException {
        try (SegmentWriter writer = open(SegmentLimits.bySize(1 << 20))) {
            append(writer, 0);
        }
        Path segment = SegmentFiles.list(dir, "decoy", 0).get(0).path();
        Files.write(segment, Arrays.copyOf(line(1), 20), StandardOpenOption.APPEND);

        assertThatThrownBy(() -> SegmentSealer.seal(segment, T0)).isInstanceOf(IOException.class).hasMessageContaining("cannot be sealed");
        assertThat(SegmentSeals.isSealed(segment)).isFalse();
    }

    private SegmentWriter open(SegmentLimits limits) throws IOException {
        return SegmentWriter.open(dir, "decoy", 0, limits, clock::get, null);
    }

    private static void append(SegmentWriter writer, long... offsets) throws IOException {
        for (long offset : offsets) {
            writer.append(offset, line(offset));
        }
        writer.sync();
    }

    private static List<Long> offsets(Path segment) throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (String text : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
            offsets.add(ArchivedLine.parse(text.getBytes(StandardCharsets.UTF_8)).offset());
        }
        return offsets;
    }

    private static byte[] line(long offset) {
        return line(offset, "r-" + offset);
    }

    private static byte[] line(long offset, String key) {
        byte[] value = ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return LineEncoder.encode(new ConsumerRecord<>("fraud.decoy", 0, offset, T0 + offset, TimestampType.CREATE_TIME,
                keyBytes.length, value.length, keyBytes, value, new RecordHeaders(), Optional.empty()));
    }
}
