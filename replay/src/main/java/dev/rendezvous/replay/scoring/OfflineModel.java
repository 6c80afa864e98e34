package dev.rendezvous.replay.scoring;

import dev.rendezvous.model.api.manifest.Batching;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.ModelRuntimes;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.replay.answer.Answer;
import dev.rendezvous.replay.answer.AnswerReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * One model version loaded for offline scoring with the runner's own code: its runtime's
 * {@link BatchModel} behind the runner's {@link BatchScorer} (same feature mapping, stacking, labels,
 * error codes), each score reduced to an {@link Answer}. Requests are scored alone
 * ({@link #scoreAlone}) or as one group ({@link #scoreTogether}): the replay decides the grouping.
 */
final class OfflineModel implements AutoCloseable {
    /**
     * The scorer reads its clock to fail requests whose deadline passed; a replay runs long after every
     * deadline, so it scores at the epoch, before all of them.
     */
    private static final Clock BEFORE_EVERY_DEADLINE = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    private final ModelManifest manifest;
    private final BatchModel model;
    /** One request per call, whatever the manifest allows. */
    private final BatchScorer alone;
    /** A whole group per call (as far as its inputs stack): the group was one call when served. */
    private final BatchScorer together;
    private final AnswerReader reader;
    private long calls;

    private OfflineModel(ManifestAndModel loaded, AnswerReader reader) {
        this.manifest = loaded.manifest();
        this.model = loaded.model();
        this.alone = new BatchScorer(manifest.withBatching(Batching.never()), model, FailureInjector.NONE, BEFORE_EVERY_DEADLINE);
        this.together = new BatchScorer(manifest.withBatching(new Batching(10_000, 0)), model, FailureInjector.NONE, BEFORE_EVERY_DEADLINE);
        this.reader = reader;
    }

    private record ManifestAndModel(ModelManifest manifest, BatchModel model) {
    }

    static OfflineModel load(ModelManifest manifest, AnswerReader reader) {
        return new OfflineModel(new ManifestAndModel(manifest, ModelRuntimes.load(manifest)), reader);
    }

    /** One answer per request, in order, each from a call of its own; requests of another application fail as the runner would refuse them. */
    List<Answer> scoreAlone(List<ScoringRequest> requests) {
        return score(alone, requests);
    }

    /** One answer per request, in order, from one call for the whole group (requests whose inputs do not stack get their own). */
    List<Answer> scoreTogether(List<ScoringRequest> group) {
        return score(together, group);
    }

    /** Model calls made so far. */
    long calls() {
        return calls;
    }

    private List<Answer> score(BatchScorer scorer, List<ScoringRequest> requests) {
        List<ScoringRequest> ours = new ArrayList<>(requests.size());
        for (ScoringRequest request : requests) {
            if (request.app().equals(manifest.app())) {
                ours.add(request);
            }
        }
        BatchScorer.Result result = scorer.score(ours);
        calls += result.calls().size();
        List<ModelScore> scores = result.scores();
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

    @Override
    public void close() {
        model.close();
    }
}
