package dev.rendezvous.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.protocol.RecordHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionArchiveTest {
    private static final ArchiveTarget DECOY = new ArchiveTarget("fraud", RecordKind.DECOY);
    private static final ArchiveTarget SCORES = new ArchiveTarget("fraud", RecordKind.SCORES);

    @TempDir
    Path archiveDir;

    @Test
    void skipsRecordsTheSegmentsAlreadyHoldWhenReadAgainAfterARestart() throws IOException {
        try (PartitionArchive archive = open(DECOY)) {
            appendAll(archive, copy(0, 100), copy(1, 101), copy(2, 102));
        }

        try (PartitionArchive archive = open(DECOY)) {
            List<Boolean> written = appendAll(archive, copy(0, 100), copy(1, 101), copy(2, 102), copy(3, 103));
            assertThat(written).containsExactly(false, false, false, true);
        }

        assertThat(archived(DECOY)).extracting(ArchivedLine::offset).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void skipsADecoyRepeatOfASourceRecordAlreadyArchivedAlsoAfterARestart() throws IOException {
        try (PartitionArchive archive = open(DECOY)) {
            // The decoy crashed after copying source offsets 100-102 and copied 101-102 again.
            List<Boolean> written = appendAll(archive, copy(0, 100), copy(1, 101), copy(2, 102), copy(3, 101), copy(4, 102), copy(5, 103));
            assertThat(written).containsExactly(true, true, true, false, false, true);
        }

        try (PartitionArchive archive = open(DECOY)) {
            List<Boolean> written = appendAll(archive, copy(6, 103), copy(7, 104));
            assertThat(written).containsExactly(false, true);
        }

        assertThat(archived(DECOY)).extracting(line -> line.source().offset()).containsExactly(100L, 101L, 102L, 103L, 104L);
    }

    @Test
    void archivesASourceRecordThatArrivesAfterHigherOnesBecauseAFailedDecoyBatchWasRetried() throws IOException {
        try (PartitionArchive archive = open(DECOY)) {
            // The copy of 102 failed while 103 went through; the decoy's retry copies 101-103 again.
            List<Boolean> written = appendAll(archive, copy(0, 100), copy(1, 101), copy(2, 103), copy(3, 101), copy(4, 102), copy(5, 103));
            assertThat(written).containsExactly(true, true, true, false, true, false);
        }

        assertThat(archived(DECOY)).extracting(line -> line.source().offset()).containsExactly(100L, 101L, 103L, 102L);
    }

    @Test
    void remembersAGapInTheSourceOffsetsAcrossARestart() throws IOException {
        try (PartitionArchive archive = open(DECOY)) {
            appendAll(archive, copy(0, 100), copy(1, 102));
        }

        try (PartitionArchive archive = open(DECOY)) {
            assertThat(appendAll(archive, copy(2, 100), copy(3, 101), copy(4, 102))).containsExactly(false, true, false);
        }
    }

    @Test
    void recognisesRepeatsThatReachBackIntoTheSegmentBeforeTheNewest() throws IOException {
        long twoLines = 2L * dev.rendezvous.archive.format.line.LineEncoder.encode(copy(0, 100)).length + 1;
        try (PartitionArchive archive = PartitionArchive.open(archiveDir, DECOY, 0, twoLines)) {
            appendAll(archive, copy(0, 100), copy(1, 101), copy(2, 102), copy(3, 103), copy(4, 104));
        }

        try (PartitionArchive archive = PartitionArchive.open(archiveDir, DECOY, 0, twoLines)) {
            assertThat(appendAll(archive, copy(5, 102), copy(6, 103), copy(7, 104), copy(8, 105))).containsExactly(false, false, false, true);
        }
    }

    @Test
    void keepsScoresEvenWhenTheyCarrySourceCoordinatesTheyShare() throws IOException {
        try (PartitionArchive archive = open(SCORES)) {
            assertThat(appendAll(archive, copy(0, 100), copy(1, 100))).containsExactly(true, true);
        }
    }

    @Test
    void rewritesTheRecordWhoseLineACrashTore() throws IOException {
        try (PartitionArchive archive = open(DECOY)) {
            appendAll(archive, copy(0, 100), copy(1, 101));
        }
        Path segment = SegmentFiles.list(DECOY.directory(archiveDir), "decoy", 0).get(0).path();
        byte[] torn = "{\"topic\":\"fraud.decoy\",\"partition\":0,\"offset\":2,\"timest".getBytes(StandardCharsets.UTF_8);
        Files.write(segment, torn, StandardOpenOption.APPEND);

        try (PartitionArchive archive = open(DECOY)) {
            assertThat(appendAll(archive, copy(1, 101), copy(2, 102))).containsExactly(false, true);
        }

        assertThat(archived(DECOY)).extracting(ArchivedLine::offset).containsExactly(0L, 1L, 2L);
    }

    @Test
    void keepsItsDirectoriesAndFilesToTheOwnerOnlyOpenOrSealed() throws IOException {
        try (PartitionArchive archive = open(DECOY)) {
            appendAll(archive, copy(0, 100));
            archive.sync();
            Path open = SegmentFiles.list(DECOY.directory(archiveDir), "decoy", 0).get(0).path();
            assertThat(permissions(open)).isEqualTo("rw-------");
            archive.sealNow();
            assertThat(permissions(open)).as("sealed").isEqualTo("r--------");
            assertThat(permissions(SegmentFiles.sealPath(open))).isEqualTo("r--------");
            assertThat(permissions(SegmentFiles.indexPath(open))).isEqualTo("r--------");
        }
        assertThat(permissions(archiveDir.resolve("fraud"))).isEqualTo("rwx------");
        assertThat(permissions(DECOY.directory(archiveDir))).isEqualTo("rwx------");
    }

    private static String permissions(Path path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private PartitionArchive open(ArchiveTarget target) throws IOException {
        return PartitionArchive.open(archiveDir, target, 0, 1 << 20);
    }

    @SafeVarargs
    private static List<Boolean> appendAll(PartitionArchive archive, ConsumerRecord<byte[], byte[]>... records) throws IOException {
        List<Boolean> written = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            written.add(archive.append(record));
        }
        archive.sync();
        return written;
    }

    private List<ArchivedLine> archived(ArchiveTarget target) throws IOException {
        List<ArchivedLine> lines = new ArrayList<>();
        for (SegmentFiles.Segment segment : SegmentFiles.list(target.directory(archiveDir), target.kind().dirName(), 0)) {
            for (String text : Files.readAllLines(segment.path(), StandardCharsets.UTF_8)) {
                lines.add(ArchivedLine.parse(text.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return lines;
    }

    /** A decoy copy at {@code offset} of the source record at {@code sourceOffset} of fraud.requests-0. */
    private static ConsumerRecord<byte[], byte[]> copy(long offset, long sourceOffset) {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(new RecordHeader(RecordHeaders.SOURCE_TOPIC, "fraud.requests".getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_PARTITION, "0".getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_OFFSET, Long.toString(sourceOffset).getBytes(StandardCharsets.UTF_8)));
        byte[] value = ("{\"n\":" + sourceOffset + "}").getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>("fraud.decoy", 0, offset, 1L, TimestampType.CREATE_TIME, -1, value.length,
                null, value, headers, Optional.empty());
    }
}
