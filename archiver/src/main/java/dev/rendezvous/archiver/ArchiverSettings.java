package dev.rendezvous.archiver;

import dev.rendezvous.archiver.segment.SegmentLimits;
import dev.rendezvous.archiver.snapshot.SnapshotSchedule;
import dev.rendezvous.protocol.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What the archiver archives and where.
 *
 * @param archiveDir      root of the archive; segments go to {@code <archiveDir>/<app>/<kind>/}
 * @param apps            applications whose topics are archived
 * @param kinds           which of their topics (decoy, scores, results)
 * @param maxSegmentBytes a segment file is sealed before it would grow past this size
 * @param maxSegmentAge   a segment file is sealed once it has been open this long, even when idle
 * @param maxSyncDelay    written lines are fsync'd (and only then their offsets committed) at most this
 *                        long after the first of them was written; zero syncs after every poll
 * @param maxUnsyncedBytes written lines are also fsync'd as soon as this many bytes of them wait
 * @param snapshotSchedules per app, when the archiver snapshots it by itself and which of those it keeps; apps not listed have none
 */
public record ArchiverSettings(Path archiveDir, Set<String> apps, Set<RecordKind> kinds, long maxSegmentBytes, Duration maxSegmentAge,
                               Duration maxSyncDelay, long maxUnsyncedBytes, Map<String, SnapshotSchedule> snapshotSchedules) {
    /** Commits wait for the sync; much longer and a consumer group rebalance or a restart repeats minutes of work. */
    private static final Duration MAX_SYNC_DELAY_LIMIT = Duration.ofMinutes(1);
    /** 64 MiB: a segment is recovered (fully re-read) on start, so it stays small enough to scan in about a second. */
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 64L * 1024 * 1024;
    /** 5 minutes: bounds how much of the newest data is not yet sealed (hashed, indexed, in no snapshot but a forced one). */
    public static final Duration DEFAULT_MAX_SEGMENT_AGE = Duration.ofMinutes(5);
    /**
     * 200 ms: five fsyncs per partition a second at most, instead of one after every poll (10-20 a
     * second under load); measured, a third less archiver CPU per record than syncing every poll, and
     * 1 s saves about another sixth (docs/archive.md, "Measurements"). Offsets are committed up to that
     * much later, which only changes how much a crashed archiver reads again.
     */
    public static final Duration DEFAULT_MAX_SYNC_DELAY = Duration.ofMillis(200);
    /** 4 MiB: bounds the work a crash repeats while catching up on a backlog, when 200 ms hold many records. */
    public static final long DEFAULT_MAX_UNSYNCED_BYTES = 4L * 1024 * 1024;

    public ArchiverSettings {
        if (archiveDir == null) {
            throw new IllegalArgumentException("archiver.archiveDir is missing; expected a directory path");
        }
        if (apps == null || apps.isEmpty()) {
            throw new IllegalArgumentException("archiver.apps is empty; expected at least one application name");
        }
        for (String app : apps) {
            if (!TopicNames.isLegalApp(app)) {
                throw new IllegalArgumentException("archiver.apps contains '" + app + "'; expected 1-63 lower-case letters, digits, '_' or '-'");
            }
        }
        if (kinds == null || kinds.isEmpty()) {
            throw new IllegalArgumentException("archiver.kinds is empty; expected some of " + EnumSet.allOf(RecordKind.class));
        }
        if (maxSegmentBytes < 1 || maxSegmentBytes > SegmentLimits.LARGEST_MAX_BYTES) {
            throw new IllegalArgumentException("archiver.maxSegmentBytes is " + maxSegmentBytes + "; expected 1 to " + SegmentLimits.LARGEST_MAX_BYTES);
        }
        if (maxSegmentAge == null || maxSegmentAge.isNegative() || maxSegmentAge.isZero()) {
            throw new IllegalArgumentException("archiver.maxSegmentAge is " + maxSegmentAge + "; expected a positive duration such as PT5M");
        }
        if (maxSyncDelay == null || maxSyncDelay.isNegative() || maxSyncDelay.compareTo(MAX_SYNC_DELAY_LIMIT) > 0) {
            throw new IllegalArgumentException("archiver.maxSyncDelay is " + maxSyncDelay + "; expected a duration from PT0S to PT1M, such as PT0.2S");
        }
        if (maxUnsyncedBytes < 1) {
            throw new IllegalArgumentException("archiver.maxUnsyncedBytes is " + maxUnsyncedBytes + "; expected a positive number of bytes");
        }
        apps = Set.copyOf(apps);
        kinds = Set.copyOf(kinds);
        snapshotSchedules = snapshotSchedules == null ? Map.of() : Map.copyOf(snapshotSchedules);
        for (String app : snapshotSchedules.keySet()) {
            if (!apps.contains(app)) {
                throw new IllegalArgumentException("archiver.snapshotSchedules names '" + app + "', which is not among archiver.apps " + apps);
            }
        }
    }

    /** Every kind of topic of {@code apps}, with the default segment and sync limits. */
    public static ArchiverSettings of(Path archiveDir, Set<String> apps) {
        return new ArchiverSettings(archiveDir, apps, EnumSet.allOf(RecordKind.class), DEFAULT_MAX_SEGMENT_BYTES, DEFAULT_MAX_SEGMENT_AGE,
                DEFAULT_MAX_SYNC_DELAY, DEFAULT_MAX_UNSYNCED_BYTES, Map.of());
    }

    /** The same settings with other segment limits. */
    public ArchiverSettings withSegmentLimits(long maxSegmentBytes, Duration maxSegmentAge) {
        return new ArchiverSettings(archiveDir, apps, kinds, maxSegmentBytes, maxSegmentAge, maxSyncDelay, maxUnsyncedBytes, snapshotSchedules);
    }

    /**
     * The same settings for other apps (an app created while the archiver runs), keeping only the
     * schedules of those apps: another app's schedule would be refused here, and it stays with the
     * archiver's own settings anyway.
     */
    public ArchiverSettings withApps(Set<String> otherApps) {
        Map<String, SnapshotSchedule> theirs = new java.util.HashMap<>(snapshotSchedules);
        theirs.keySet().retainAll(otherApps);
        return new ArchiverSettings(archiveDir, otherApps, kinds, maxSegmentBytes, maxSegmentAge, maxSyncDelay, maxUnsyncedBytes, theirs);
    }

    /** The same settings with other sync limits. */
    public ArchiverSettings withSyncLimits(Duration maxSyncDelay, long maxUnsyncedBytes) {
        return new ArchiverSettings(archiveDir, apps, kinds, maxSegmentBytes, maxSegmentAge, maxSyncDelay, maxUnsyncedBytes, snapshotSchedules);
    }

    /** The same settings with these snapshot schedules (app to schedule). */
    public ArchiverSettings withSnapshotSchedules(Map<String, SnapshotSchedule> snapshotSchedules) {
        return new ArchiverSettings(archiveDir, apps, kinds, maxSegmentBytes, maxSegmentAge, maxSyncDelay, maxUnsyncedBytes, snapshotSchedules);
    }

    public SegmentLimits segmentLimits() {
        return new SegmentLimits(maxSegmentBytes, maxSegmentAge.toMillis());
    }
}
