package dev.rendezvous.replay.scoring;

import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.replay.compare.Answer;
import dev.rendezvous.replay.compare.AnswerReader;
import dev.rendezvous.runner.ModelRuntimes;
import dev.rendezvous.runner.manifest.ModelManifest;
import dev.rendezvous.runner.scoring.BatchModel;
import dev.rendezvous.runner.scoring.BatchScorer;
import dev.rendezvous.runner.scoring.FailureInjector;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * One model version loaded for offline scoring with the runner's own code: its runtime's
 * {@link BatchModel} behind the runner's {@link BatchScorer} (same feature mapping, batching by the
 * manifest's {@code maxBatch}, labels, error codes), each score reduced to an {@link Answer}.
 */
final class OfflineModel implements AutoCloseable {
    /**
     * The scorer reads its clock to fail requests whose deadline passed; a replay runs long after every
     * deadline, so it scores at the epoch, before all of them.
     */
    private static final Clock BEFORE_EVERY_DEADLINE = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    private final ModelManifest manifest;
    private final BatchModel model;
    private final BatchScorer scorer;
    private final AnswerReader reader;

    private OfflineModel(ModelManifest manifest, BatchModel model, AnswerReader reader) {
        this.manifest = manifest;
        this.model = model;
        this.scorer = new BatchScorer(manifest, model, FailureInjector.NONE, BEFORE_EVERY_DEADLINE);
        this.reader = reader;
    }

    static OfflineModel load(ModelManifest manifest, AnswerReader reader) {
        return new OfflineModel(manifest, loadRuntime(manifest), reader);
    }

    /** One answer per request, in order; requests of another application fail as the runner would refuse them. */
    List<Answer> score(List<ScoringRequest> requests) {
        List<ScoringRequest> ours = new ArrayList<>(requests.size());
        for (ScoringRequest request : requests) {
            if (request.app().equals(manifest.app())) {
                ours.add(request);
            }
        }
        List<ModelScore> scores = scorer.score(ours).scores();
        List<Answer> answers = new ArrayList<>(requests.size());
        int next = 0;
        for (ScoringRequest request : requests) {
            if (!request.app().equals(manifest.app())) {
                answers.add(Answer.failed("other-app"));
                continue;
            }
            ModelScore score = scores.get(next++);
            answers.add(score.failed() ? Answer.failed(score.error().code()) : reader.read(score.output()));
        }
        return answers;
    }

    /** The runner's own runtime choice (ONNX, Java plug-in, remote OIP), so a replay runs what a runner would. */
    private static BatchModel loadRuntime(ModelManifest manifest) {
        return ModelRuntimes.load(manifest);
    }

    @Override
    public void close() {
        model.close();
    }
}
