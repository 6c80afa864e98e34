package dev.rendezvous.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.archiver.snapshot.KeepRules;
import dev.rendezvous.archiver.snapshot.SnapshotSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Settings for an app created while the archiver runs keep only that app's schedules (none), so taking it up cannot fail. */
class ArchiverSettingsTest {
    private static final SnapshotSchedule HOURLY = new SnapshotSchedule(Duration.ofHours(1), new KeepRules(24, null));

    @Test
    void settingsForANewAppDropTheOtherAppsSchedules() {
        ArchiverSettings configured = ArchiverSettings.of(Path.of("archive"), Set.of("fraud")).withSnapshotSchedules(Map.of("fraud", HOURLY));

        ArchiverSettings added = configured.withApps(Set.of("loans"));

        assertThat(added.apps()).containsExactly("loans");
        assertThat(added.snapshotSchedules()).isEmpty();
        assertThat(configured.withApps(Set.of("fraud", "loans")).snapshotSchedules()).containsOnlyKeys("fraud");
    }

    @Test
    void aScheduleForAnAppNotArchivedIsStillRefused() {
        assertThatThrownBy(() -> ArchiverSettings.of(Path.of("archive"), Set.of("fraud")).withSnapshotSchedules(Map.of("loans", HOURLY)))
                .hasMessageContaining("archiver.snapshotSchedules names 'loans'");
    }
}
