package dev.rendezvous.archiver.snapshot;

import java.util.List;

/**
 * What expiring one snapshot did (or, dry, would do).
 *
 * @param names            the stable names that pointed at it, removed with it
 * @param releasedSegments segments it referenced that no remaining snapshot references: retention may
 *                         now delete them (expiry itself deletes no segment)
 */
public record ExpiryReport(String app, String id, boolean dryRun, List<String> names, List<String> releasedSegments) {
    public ExpiryReport {
        names = List.copyOf(names);
        releasedSegments = List.copyOf(releasedSegments);
    }
}
