package dev.rendezvous.archive.format.snapshot;

import java.util.List;

/**
 * What an export wrote ({@code export.json} next to the data): enough for a model's lineage to name
 * its training data exactly and for anyone to check it.
 *
 * @param file        the data file, relative to the export directory
 * @param sha256      SHA-256 of the data file
 * @param rows        lines in the data file, one request each
 * @param skippedRows decoy records left out because their value is not one line of JSON (archived as base64)
 * @param skipped     coordinates ({@code topic-partition@offset}) of the first skipped records, at most 1000
 * @param segments    the decoy segments read, each verified against its hash
 */
public record ExportManifest(String snapshotId, String app, String format, String file, String sha256, long rows,
                             long skippedRows, List<String> skipped, List<Source> segments, long exportedAtMs) {

    /** One segment an export read, and the last offset it took from it. */
    public record Source(String file, String sha256, long cutOffset) {
    }

    public ExportManifest {
        skipped = List.copyOf(skipped);
        segments = List.copyOf(segments);
    }
}
