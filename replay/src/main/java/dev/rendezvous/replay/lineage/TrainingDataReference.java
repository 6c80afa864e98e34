package dev.rendezvous.replay.lineage;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a manifest's {@code lineage.trainingData} names an archive snapshot:
 * {@code snapshot:<id> export-sha256:<hash of inputs.ndjson> rows:<n> labels:<where the labels came from>}.
 * The snapshot id is enough to find and verify the data; the export hash pins the exact file trained on.
 */
public record TrainingDataReference(String snapshotId, String exportSha256, long rows, String labels) {
    private static final Pattern SNAPSHOT = Pattern.compile("(?:^|\\s)snapshot:([0-9a-f]{64})(?:\\s|$)");

    public String format() {
        return "snapshot:" + snapshotId + " export-sha256:" + exportSha256 + " rows:" + rows + " labels:" + labels;
    }

    /** The snapshot id a {@code trainingData} value names, if it names one. */
    public static Optional<String> snapshotIdIn(String trainingData) {
        if (trainingData == null) {
            return Optional.empty();
        }
        Matcher matcher = SNAPSHOT.matcher(trainingData);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
