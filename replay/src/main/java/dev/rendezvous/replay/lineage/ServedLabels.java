package dev.rendezvous.replay.lineage;

import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archive.format.snapshot.SnapshotReader;
import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.replay.answer.AnswerReader;
import dev.rendezvous.replay.input.ServedAnswers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Training labels taken from what was served: for each request of a snapshot that a model answered,
 * the label it served ({@code output.label}). Fallbacks and timeouts are left out (a fallback's label
 * is a default, not a judgement). The demo has no ground truth (no chargebacks arrive later), so a
 * model trained on these learns to reproduce the served decisions, on exactly the archived inputs.
 */
public final class ServedLabels {
    public static final String DESCRIPTION = "served-model-labels";

    private ServedLabels() {
    }

    public static Map<String, String> of(Path archiveDir, String app, String snapshotId) throws IOException, InterruptedException {
        Snapshot snapshot = new SnapshotReader(archiveDir).show(app, snapshotId);
        ServedAnswers served = ServedAnswers.read(archiveDir, snapshot, new AnswerReader(OutputMapping.none(), "fraud"));
        Map<String, String> labels = new HashMap<>();
        served.forEach((requestId, answer) -> labelOf(answer).ifPresent(label -> labels.put(requestId, label)));
        return labels;
    }

    private static Optional<String> labelOf(ServedAnswers.Served served) {
        boolean byModel = !served.servedBy().equals("fallback") && !served.servedBy().equals("timeout");
        return byModel && served.answer().ok() ? Optional.ofNullable(served.answer().label()) : Optional.empty();
    }
}
