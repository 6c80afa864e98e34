package dev.rendezvous.archive.format.snapshot;

import java.util.List;

/**
 * The outcome of re-hashing a snapshot: its manifest against its id, and every segment against the
 * hash the manifest recorded.
 *
 * @param manifestIntact whether the manifest's bytes still hash to its id
 * @param mismatches     segments missing or whose bytes changed; empty when all verify
 */
public record VerifyReport(String id, String app, boolean manifestIntact, int segmentsChecked, List<Mismatch> mismatches) {

    /** One segment that does not verify; {@code actualSha256} is null when the file is missing. */
    public record Mismatch(String file, String expectedSha256, String actualSha256) {
    }

    public VerifyReport {
        mismatches = List.copyOf(mismatches);
    }

    public boolean ok() {
        return manifestIntact && mismatches.isEmpty();
    }
}
