package dev.rendezvous.replay.report;

import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.replay.input.ServedAnswers;

/**
 * What was replayed, how, and against what: the part of a report that names its inputs.
 *
 * @param against the second model, or null when the baseline is what was served
 * @param served  what reading the snapshot's decisions found; null when the baseline is a model
 */
public record ReplayDescription(String snapshotId, Snapshot snapshot, ModelManifest model, ModelManifest against,
                                ServedAnswers served, String positiveLabel, double epsilon) {

    /** How agreement is defined, in words, for the report's readers. */
    public String agreementRule() {
        return "Labels equal when both answers have a label (the runner's argmax over output.labels); otherwise |replayed score - "
                + "baseline score| < epsilon when both have a score; otherwise not comparable. Score = the output tensor's column of label '"
                + positiveLabel + "' when the manifest lists it, else its first value. Replay errors and baselines without an answer "
                + "are counted apart, not compared.";
    }
}
