package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archive.format.snapshot.SnapshotSummary;
import dev.rendezvous.archive.format.snapshot.VerifyReport;
import static dev.rendezvous.archiver.ArchiveFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archiver.ArchiveFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    private static final String APP = "fraud";

    @TempDir
    Path archiveDir;
    @TempDir
    Path exports;

    private ArchiveFixture archive;

    @BeforeEach
    void smallSegments() {
        archive = new ArchiveFixture(archiveDir, APP, 2_000);
    }

    private void largeSegments() {
        archive = new ArchiveFixture(archiveDir, APP, 1 << 20);
    }

    @AfterEach
    void closeArchive() throws IOException {
        archive.close();
    }

    @Test
    void namesTheSnapshotByTheHashOfItsImmutableManifest() throws Exception {
        archiveRequests(0, 40);
        archive.sealAll();

        SnapshotStore.Created created = store().create(APP, null, "first", Duration.ZERO);

        Path manifest = archiveDir.resolve(APP).resolve("snapshots").resolve(created.id() + ".json");
        assertThat(LineEncoder.sha256(Files.readAllBytes(manifest))).isEqualTo(created.id());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(manifest))).isEqualTo("r--------");
        assertThat(created.snapshot().segments()).containsExactlyElementsOf(SegmentCatalog.sealed(archiveDir.resolve(APP)));
        assertThat(created.snapshot().cuts()).containsExactly(new Snapshot.Cut("decoy", 0, 19), new Snapshot.Cut("decoy", 1, 19));
        assertThat(store().show(null, created.id())).isEqualTo(created.snapshot());
        assertThat(store().list(APP)).extracting(SnapshotSummary::id, SnapshotSummary::label).containsExactly(
                org.assertj.core.groups.Tuple.tuple(created.id(), "first"));
    }

    @Test
    void leavesOutSegmentsStillOpenWhenNoArchiverSealsThem() throws Exception {
        largeSegments();
        archiveRequests(0, 10);

        SnapshotStore.Created created = store().create(APP, null, null, Duration.ZERO);

        assertThat(created.openSegmentsLeftOut()).isEqualTo(2);
        assertThat(created.snapshot().segments()).isEmpty();
    }

    @Test
    void stillVerifiesAndExportsTheSameRowsAfterMoreDataAndRetention() throws Exception {
        archiveRequests(0, 40);
        archive.sealAll();
        SnapshotStore.Created created = store().create(APP, null, null, Duration.ZERO);
        ExportManifest before = store().export(APP, created.id(), exports.resolve("before"));

        archiveRequests(40, 200);
        archive.sealAll();
        RetentionReport retention = new Retention(archiveDir).apply(APP, new RetentionPolicy(null, 1), T0, false);
        ExportManifest after = store().export(APP, created.id(), exports.resolve("after"));

        assertThat(retention.deleted()).isNotEmpty();
        assertThat(retention.keptForSnapshots()).containsExactlyInAnyOrderElementsOf(
                created.snapshot().segments().stream().map(SegmentSeal::relativePath).toList());
        assertThat(store().verify(APP, created.id()).ok()).isTrue();
        assertThat(before.rows()).isEqualTo(40);
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.sha256()).isEqualTo(before.sha256());
        assertThat(Files.readAllBytes(exports.resolve("after").resolve("inputs.ndjson")))
                .isEqualTo(Files.readAllBytes(exports.resolve("before").resolve("inputs.ndjson")));
    }

    @Test
    void retentionKeepsTheTwoNewestSegmentsOfEachPartitionAndOpenOnes() throws Exception {
        archiveRequests(0, 200);
        archive.sealAll();
        archiveRequests(200, 202);

        new Retention(archiveDir).apply(APP, new RetentionPolicy(Duration.ofMillis(1), 0), T0 + 1_000_000, false);

        assertThat(SegmentCatalog.sealed(archiveDir.resolve(APP))).extracting(SegmentSeal::partition).containsExactly(0, 1);
        assertThat(SegmentCatalog.open(archiveDir.resolve(APP))).hasSize(2);
    }

    @Test
    void exportsTheExactRequestBytesInPartitionAndOffsetOrderAndCountsValuesThatAreNotJson() throws Exception {
        archive.append("decoy", 0, 0, T0, "r-0", ArchiveFixture.request("r-0", 1));
        archive.append("decoy", 0, 1, T0, "r-1", new byte[] {(byte) 0xff, 0});
        archive.append("decoy", 1, 0, T0, "r-2", ArchiveFixture.request("r-2", 3));
        archive.sealAll();
        String id = store().create(APP, null, null, Duration.ZERO).id();

        ExportManifest export = store().export(APP, id, exports.resolve("x"));

        assertThat(Files.readString(exports.resolve("x").resolve("inputs.ndjson"), StandardCharsets.UTF_8)).isEqualTo(
                new String(ArchiveFixture.request("r-0", 1), StandardCharsets.UTF_8) + "\n"
                        + new String(ArchiveFixture.request("r-2", 3), StandardCharsets.UTF_8) + "\n");
        assertThat(export.rows()).isEqualTo(2);
        assertThat(export.skippedRows()).isEqualTo(1);
        assertThat(export.skipped()).containsExactly("fraud.decoy-0@1");
        assertThat(export.sha256()).isEqualTo(LineEncoder.sha256(Files.readAllBytes(exports.resolve("x").resolve("inputs.ndjson"))));
        assertThat(exports.resolve("x").resolve("export.json")).exists();
    }

    @Test
    void cutsEachPartitionAtTheLastRecordAtOrBeforeTheUntilTime() throws Exception {
        largeSegments();
        archiveRequests(0, 20);
        archive.sealAll();

        SnapshotStore.Created created = store().create(APP, T0 + 9, null, Duration.ZERO);
        ExportManifest export = store().export(APP, created.id(), exports.resolve("x"));

        assertThat(created.snapshot().cuts()).containsExactly(new Snapshot.Cut("decoy", 0, 4), new Snapshot.Cut("decoy", 1, 4));
        assertThat(export.rows()).isEqualTo(10);
    }

    @Test
    void reportsEverySegmentThatChangedOrVanished() throws Exception {
        archiveRequests(0, 40);
        archive.sealAll();
        SnapshotStore.Created created = store().create(APP, null, null, Duration.ZERO);
        List<SegmentSeal> segments = created.snapshot().segments();
        Path tampered = SegmentCatalog.path(archiveDir.resolve(APP), segments.get(0));
        Files.setPosixFilePermissions(tampered, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(tampered, new byte[] {'x'}, StandardOpenOption.APPEND);
        Files.delete(SegmentCatalog.path(archiveDir.resolve(APP), segments.get(1)));

        VerifyReport report = store().verify(APP, created.id());

        assertThat(report.ok()).isFalse();
        assertThat(report.manifestIntact()).isTrue();
        assertThat(report.mismatches()).extracting(VerifyReport.Mismatch::file).containsExactly(segments.get(0).relativePath(), segments.get(1).relativePath());
        assertThat(report.mismatches().get(0).actualSha256()).isNotNull().isNotEqualTo(segments.get(0).sha256());
        assertThat(report.mismatches().get(1).actualSha256()).isNull();
        assertThatThrownBy(() -> store().export(APP, created.id(), exports.resolve("x"))).isInstanceOf(IOException.class);
    }

    private SnapshotStore store() {
        return new SnapshotStore(archiveDir, () -> T0 + 1_000);
    }

    /** Requests r-from … r-(to-1), alternating between partitions 0 and 1, timestamp T0 + n. */
    private void archiveRequests(int from, int to) {
        for (int n = from; n < to; n++) {
            archive.append("decoy", n % 2, n / 2, T0 + n, "r-" + n, ArchiveFixture.request("r-" + n, n));
        }
    }
}
