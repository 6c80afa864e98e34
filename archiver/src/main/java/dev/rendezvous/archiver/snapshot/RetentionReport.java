package dev.rendezvous.archiver.snapshot;

import java.util.List;

/**
 * What a retention run deleted (or, dry, would delete) and what it kept because a snapshot needs it.
 *
 * @param deleted           segments deleted, relative to the application's directory
 * @param keptForSnapshots  segments past the limits but referenced by a snapshot
 */
public record RetentionReport(String app, boolean dryRun, List<String> deleted, long bytesFreed, List<String> keptForSnapshots) {

    public RetentionReport {
        deleted = List.copyOf(deleted);
        keptForSnapshots = List.copyOf(keptForSnapshots);
    }
}
