package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.snapshot.SnapshotSummary;
import static dev.rendezvous.archiver.ArchiveFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archiver.ArchiveFixture;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule's steps over a fixture archive, with a clock the test moves. */
class ScheduledSnapshotsTest {
    private static final String APP = "fraud";
    private static final long MINUTE = 60_000L;

    @TempDir
    Path archiveDir;

    private final AtomicLong clock = new AtomicLong(T0);
    private ArchiveFixture archive;
    private ScheduledSnapshots steps;
    private long offset;

    @BeforeEach
    void setUp() {
        archive = new ArchiveFixture(archiveDir, APP, 1_000);
        steps = new ScheduledSnapshots(archiveDir, clock::get, Duration.ZERO);
    }

    @AfterEach
    void tearDown() throws IOException {
        archive.close();
    }

    @Test
    void createsOneSnapshotPerSlotNamedBySlotAndExpiresBeyondKeepLast() throws Exception {
        SnapshotSchedule schedule = new SnapshotSchedule(Duration.ofMinutes(10), new KeepRules(2, null));
        SnapshotStore store = new SnapshotStore(archiveDir);

        List<String> created = new java.util.ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
            archiveAndSeal(5);
            clock.set(schedule.slotAt(T0) + (slot + 1) * 10 * MINUTE + 3 * MINUTE);
            ScheduledSnapshots.StepReport first = steps.step(APP, schedule);
            ScheduledSnapshots.StepReport again = steps.step(APP, schedule);
            assertThat(first.created()).isEqualTo(SnapshotSchedule.nameOf(schedule.slotAt(clock.get())));
            assertThat(again.created()).as("the same slot is not snapshotted twice").isNull();
            created.add(first.createdId());
            assertThat(store.show(APP, first.createdId()).untilMs()).isEqualTo(schedule.slotAt(clock.get()));
        }

        assertThat(store.list(APP)).extracting(SnapshotSummary::id).containsExactly(created.get(2), created.get(3));
        assertThat(store.names(APP).values()).containsExactlyInAnyOrder(created.get(2), created.get(3));
        assertThatThrownBy(() -> store.show(APP, created.get(0))).isInstanceOf(NoSuchFileException.class);
        assertThat(SegmentCatalog.sealed(archiveDir.resolve(APP))).as("expiry deletes no segment: 4 slots of 5 records, 2 segments each").hasSize(8);
        assertThat(Files.readString(archiveDir.resolve(APP).resolve("snapshots").resolve(ScheduledSnapshots.REPORT_FILE))).contains("\"expired\"");
    }

    @Test
    void keepsByAgeAndNeverTouchesManualSnapshots() throws Exception {
        SnapshotSchedule schedule = new SnapshotSchedule(Duration.ofMinutes(10), new KeepRules(null, Duration.ofMinutes(25)));
        SnapshotStore store = new SnapshotStore(archiveDir, clock::get);
        archiveAndSeal(5);
        String manual = store.create(APP, null, "by hand", Duration.ZERO, "before-the-release").id();

        for (int slot = 1; slot <= 5; slot++) {
            clock.set(schedule.slotAt(T0) + slot * 10 * MINUTE);
            steps.step(APP, schedule);
        }

        // At 50 min, the snapshots of 30, 40 and 50 min are younger than 25 min; those of 10 and 20 min expired.
        assertThat(store.names(APP).keySet()).containsExactlyInAnyOrder("before-the-release",
                SnapshotSchedule.nameOf(schedule.slotAt(T0) + 30 * MINUTE), SnapshotSchedule.nameOf(schedule.slotAt(T0) + 40 * MINUTE),
                SnapshotSchedule.nameOf(schedule.slotAt(T0) + 50 * MINUTE));
        assertThat(store.resolve(APP, "before-the-release")).isEqualTo(manual);
    }

    @Test
    void refusesToExpireASnapshotAModelsLineageNamesAndDeletesNothing() throws Exception {
        SnapshotSchedule schedule = new SnapshotSchedule(Duration.ofMinutes(10), new KeepRules(1, null));
        archiveAndSeal(5);
        clock.set(schedule.slotAt(T0) + 10 * MINUTE);
        String trainedOn = steps.step(APP, schedule).createdId();
        registerModelTrainedOn(trainedOn);
        Path manifest = archiveDir.resolve(APP).resolve("snapshots").resolve(trainedOn + ".json");

        archiveAndSeal(5);
        clock.set(schedule.slotAt(T0) + 20 * MINUTE);
        ScheduledSnapshots.StepReport report = steps.step(APP, schedule);

        assertThat(report.expired()).isEmpty();
        assertThat(report.refused()).containsExactly(new ScheduledSnapshots.Refusal(
                SnapshotSchedule.nameOf(schedule.slotAt(T0) + 10 * MINUTE), trainedOn, List.of("fraud/fraud-fm/2")));
        assertThat(manifest).exists();
        assertThat(new SnapshotStore(archiveDir).names(APP)).containsValue(trainedOn);

        assertThatThrownBy(() -> new SnapshotExpiry(archiveDir).expire(APP, trainedOn, false))
                .isInstanceOf(SnapshotInUseException.class)
                .hasMessageContaining("named by the lineage of fraud/fraud-fm/2").hasMessageContaining("nothing was deleted");
        assertThat(manifest).exists();
    }

    @Test
    void manualExpiryByNameRemovesManifestAndNameAndReportsReleasedSegments() throws Exception {
        SnapshotStore store = new SnapshotStore(archiveDir, clock::get);
        archiveAndSeal(5);
        String older = store.create(APP, null, "a", Duration.ZERO, "older").id();
        archiveAndSeal(5);
        clock.addAndGet(MINUTE);
        String newer = store.create(APP, null, "b", Duration.ZERO, "newer").id();

        ExpiryReport dry = new SnapshotExpiry(archiveDir).expire(APP, "newer", true);
        assertThat(store.list(APP)).hasSize(2);
        ExpiryReport report = new SnapshotExpiry(archiveDir).expire(APP, "newer", false);

        assertThat(dry.releasedSegments()).isEqualTo(report.releasedSegments());
        assertThat(report.id()).isEqualTo(newer);
        assertThat(report.names()).containsExactly("newer");
        assertThat(report.releasedSegments()).as("the two segments only the newer one references")
                .containsExactly("decoy/decoy-p0-00000000000000000005.ndjson", "decoy/decoy-p0-00000000000000000008.ndjson");
        assertThat(store.list(APP)).extracting(SnapshotSummary::id).containsExactly(older);
        assertThatThrownBy(() -> new SnapshotExpiry(archiveDir).expire(APP, "newer", false))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no snapshot named 'newer' in fraud");
        assertThatThrownBy(() -> new SnapshotExpiry(archiveDir).expire(APP, "f".repeat(64), false))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no snapshot " + "f".repeat(64));
    }

    /** Decoy records in one partition, sealed (1,000-byte segments: 5 records make 2 segments). */
    private void archiveAndSeal(int records) {
        for (int i = 0; i < records; i++) {
            archive.append("decoy", 0, offset, clock.get() - 1, "r-" + offset, ArchiveFixture.request("r-" + offset, 10));
            offset++;
        }
        archive.sealAll();
    }

    private void registerModelTrainedOn(String snapshotId) throws IOException {
        ObjectNode lineage = JsonCodec.mapper().createObjectNode()
                .put("trainingData", "snapshot:" + snapshotId + " export-sha256:" + "a".repeat(64) + " rows:5 labels:served");
        ModelRegistration registration = new ModelRegistration(APP, "fraud-fm", "2", ModelRole.SHADOW, "onnx", "b".repeat(64), null, lineage, T0);
        try (ArchiveFixture control = new ArchiveFixture(archiveDir, "_control", 1 << 20)) {
            control.append("models", 0, 0, T0, registration.key(), JsonCodec.encode(registration));
        }
    }
}
