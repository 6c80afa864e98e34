package dev.rendezvous.archiver;

import dev.rendezvous.archiver.segment.SegmentLimits;
import dev.rendezvous.protocol.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the archiver archives and where.
 *
 * @param archiveDir      root of the archive; segments go to {@code <archiveDir>/<app>/<kind>/}
 * @param apps            applications whose topics are archived
 * @param kinds           which of their topics (decoy, scores, results)
 * @param maxSegmentBytes a segment file is sealed before it would grow past this size
 * @param maxSegmentAge   a segment file is sealed once it has been open this long, even when idle
 */
public record ArchiverSettings(Path archiveDir, Set<String> apps, Set<RecordKind> kinds, long maxSegmentBytes, Duration maxSegmentAge) {
    /** 64 MiB: a segment is recovered (fully re-read) on start, so it stays small enough to scan in about a second. */
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 64L * 1024 * 1024;
    /** 5 minutes: bounds how much of the newest data is not yet sealed (hashed, indexed, in no snapshot but a forced one). */
    public static final Duration DEFAULT_MAX_SEGMENT_AGE = Duration.ofMinutes(5);

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
        apps = Set.copyOf(apps);
        kinds = Set.copyOf(kinds);
    }

    /** Every kind of topic of {@code apps}, in segments of the default size. */
    public static ArchiverSettings of(Path archiveDir, Set<String> apps) {
        return new ArchiverSettings(archiveDir, apps, EnumSet.allOf(RecordKind.class), DEFAULT_MAX_SEGMENT_BYTES, DEFAULT_MAX_SEGMENT_AGE);
    }

    /** The same settings with other segment limits. */
    public ArchiverSettings withSegmentLimits(long maxSegmentBytes, Duration maxSegmentAge) {
        return new ArchiverSettings(archiveDir, apps, kinds, maxSegmentBytes, maxSegmentAge);
    }

    public SegmentLimits segmentLimits() {
        return new SegmentLimits(maxSegmentBytes, maxSegmentAge.toMillis());
    }
}
