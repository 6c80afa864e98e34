package dev.rendezvous.replay.scoring;

import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.replay.compare.Answer;
import dev.rendezvous.replay.compare.AnswerReader;
import dev.rendezvous.replay.input.DecoyInput;
import dev.rendezvous.replay.input.SnapshotScan;
import dev.rendezvous.replay.progress.ProgressReporter;
import dev.rendezvous.runner.manifest.ModelManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Scores units of decoy lines on whatever pool thread runs them: each thread loads its own model
 * instances on first use (an ONNX session per thread, one intra-op thread each), so threads never
 * share a session. The answers of a unit depend only on the unit's lines, never on the thread or the
 * timing, which keeps a replay deterministic with any number of threads.
 */
public final class InputScorer implements SnapshotScan.UnitProcessor<List<Replayed>>, AutoCloseable {
    private final ModelManifest model;
    private final ModelManifest against;
    private final String positiveLabel;
    private final ProgressReporter progress;
    private final List<OfflineModel> loaded = new ArrayList<>();
    private final ThreadLocal<OfflineModel[]> models = new ThreadLocal<>();
    private final Set<String> redactionVersions = new ConcurrentSkipListSet<>();

    /**
     * @param against       the second model to score with, or null when comparing with what was served
     * @param positiveLabel the label whose probability is the score, e.g. {@code fraud}
     */
    public InputScorer(ModelManifest model, ModelManifest against, String positiveLabel, ProgressReporter progress) {
        this.model = model;
        this.against = against;
        this.positiveLabel = positiveLabel;
        this.progress = progress;
    }

    /** Loads one instance of each model on the calling thread: fails early, on the caller, when a model cannot load. */
    public void checkLoads() {
        try (OfflineModel primary = OfflineModel.load(model, new AnswerReader(model.output(), positiveLabel));
             OfflineModel second = against == null ? null : OfflineModel.load(against, new AnswerReader(against.output(), positiveLabel))) {
            // Loaded and warmed up: the manifests are usable.
        }
    }

    @Override
    public List<Replayed> process(List<byte[]> lines, long cut) throws IOException {
        List<DecoyInput> inputs = new ArrayList<>(lines.size());
        for (byte[] line : lines) {
            DecoyInput input = DecoyInput.read(line);
            if (input.offset() <= cut) {
                inputs.add(input);
            }
        }
        OfflineModel[] mine = modelsOfThisThread();
        List<ScoringRequest> requests = new ArrayList<>(inputs.size());
        ScoringRequest[] decoded = new ScoringRequest[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).redacted()) {
                redactionVersions.add(inputs.get(i).redaction().version());
                continue;
            }
            decoded[i] = decode(inputs.get(i).value());
            if (decoded[i] != null) {
                requests.add(decoded[i]);
            }
        }
        List<Answer> answers = mine[0].score(requests);
        List<Answer> otherAnswers = mine[1] == null ? null : mine[1].score(requests);
        List<Replayed> replayed = new ArrayList<>(inputs.size());
        int next = 0;
        for (int i = 0; i < inputs.size(); i++) {
            DecoyInput input = inputs.get(i);
            if (input.redacted()) {
                Answer notReproducible = Answer.failed(Answer.NOT_REPRODUCIBLE);
                replayed.add(new Replayed(input.requestId(), input.partition(), input.offset(), 0, notReproducible,
                        mine[1] == null ? null : notReproducible));
                continue;
            }
            if (decoded[i] == null) {
                Answer undecodable = Answer.failed(Answer.UNDECODABLE);
                replayed.add(new Replayed(input.requestId(), input.partition(), input.offset(), 0, undecodable, mine[1] == null ? null : undecodable));
                continue;
            }
            replayed.add(new Replayed(decoded[i].id(), input.partition(), input.offset(), decoded[i].receivedAtMs(), answers.get(next),
                    otherAnswers == null ? null : otherAnswers.get(next)));
            next++;
        }
        progress.advance(inputs.size());
        return replayed;
    }

    private OfflineModel[] modelsOfThisThread() {
        OfflineModel[] mine = models.get();
        if (mine == null) {
            mine = new OfflineModel[] {OfflineModel.load(model, new AnswerReader(model.output(), positiveLabel)),
                    against == null ? null : OfflineModel.load(against, new AnswerReader(against.output(), positiveLabel))};
            models.set(mine);
            synchronized (loaded) {
                loaded.add(mine[0]);
                if (mine[1] != null) {
                    loaded.add(mine[1]);
                }
            }
        }
        return mine;
    }

    private static ScoringRequest decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return JsonCodec.decode(value, ScoringRequest.class);
        } catch (MalformedRecordException e) {
            return null;
        }
    }

    /** The redaction rule set versions of the inputs that were not replayed because the decoy redacted them. */
    public Set<String> redactionVersions() {
        return Set.copyOf(redactionVersions);
    }

    /** Closes every model any thread loaded; call after the pool has finished. */
    @Override
    public void close() {
        synchronized (loaded) {
            loaded.forEach(OfflineModel::close);
            loaded.clear();
        }
    }
}
