package dev.rendezvous.replay.scoring;

import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.replay.answer.Answer;
import dev.rendezvous.replay.answer.AnswerReader;
import dev.rendezvous.replay.input.DecoyInput;
import dev.rendezvous.replay.input.ServedBatches;
import dev.rendezvous.replay.input.SnapshotScan;
import dev.rendezvous.replay.progress.ProgressReporter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Scores units of decoy lines on whatever pool thread runs them: each thread loads its own model
 * instances on first use (an ONNX session per thread, one intra-op thread each), so threads never
 * share a session. Every request is scored in a call of its own, except, with
 * {@link ReplayBatching#AS_SERVED}, those served in a call with others: they are held back (their
 * call may span units and partitions) and scored after the scan, call by call in their recorded
 * order ({@link #scoreServedCalls}). An answer therefore depends only on its request (and its served
 * call), never on units, threads or timing, which keeps a replay deterministic with any number of threads.
 */
public final class InputScorer implements SnapshotScan.UnitProcessor<List<Replayed>>, AutoCloseable {
    private final ModelManifest model;
    private final ModelManifest against;
    private final String positiveLabel;
    private final ProgressReporter progress;
    private final List<OfflineModel> loaded = new ArrayList<>();
    /** The instances of the replayed model (not of the {@code --against} one), guarded by {@code loaded}. */
    private final List<OfflineModel> primaries = new ArrayList<>();
    private final ThreadLocal<OfflineModel[]> models = new ThreadLocal<>();
    private final ServedBatches batches;
    /** As served: the requests held back for their served call, by batch id. */
    private final Map<String, List<HeldBack>> heldBack = new HashMap<>();

    /** A request waiting for the rest of its served call; {@code input} is its placeholder in the results. */
    private record HeldBack(ServedBatches.Place place, ScoringRequest request, Replayed input) {
    }
    private final Set<String> redactionVersions = new ConcurrentSkipListSet<>();

    /**
     * @param against       the second model to score with, or null when comparing with what was served
     * @param positiveLabel the label whose probability is the score, e.g. {@code fraud}
     */
    public InputScorer(ModelManifest model, ModelManifest against, String positiveLabel, ProgressReporter progress) {
        this(model, against, positiveLabel, progress, ServedBatches.none());
    }

    /**
     * @param batches the served calls to rebuild ({@link ReplayBatching#AS_SERVED}); {@link ServedBatches#none()}
     *                to score every request alone
     */
    public InputScorer(ModelManifest model, ModelManifest against, String positiveLabel, ProgressReporter progress, ServedBatches batches) {
        this.batches = batches;
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
        ServedBatches.Place[] places = new ServedBatches.Place[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).redacted()) {
                redactionVersions.add(inputs.get(i).redaction().version());
                continue;
            }
            decoded[i] = decode(inputs.get(i).value());
            if (decoded[i] != null) {
                places[i] = batches.get(decoded[i].originKey()).filter(place -> place.batchSize() > 1).orElse(null);
                if (places[i] == null) {
                    requests.add(decoded[i]);
                }
            }
        }
        List<Answer> answers = mine[0].scoreAlone(requests);
        List<Answer> otherAnswers = mine[1] == null ? null : mine[1].scoreAlone(requests);
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
            if (places[i] != null) {
                Replayed placeholder = new Replayed(decoded[i].id(), input.partition(), input.offset(), decoded[i].receivedAtMs(), null, null);
                synchronized (heldBack) {
                    heldBack.computeIfAbsent(places[i].batchId(), id -> new ArrayList<>()).add(new HeldBack(places[i], decoded[i], placeholder));
                }
                replayed.add(placeholder);
                continue;
            }
            replayed.add(new Replayed(decoded[i].id(), input.partition(), input.offset(), decoded[i].receivedAtMs(), answers.get(next),
                    otherAnswers == null ? null : otherAnswers.get(next)));
            next++;
        }
        progress.advance(inputs.size());
        return replayed;
    }

    /**
     * After the scan: scores the held-back requests, one call per served call (in batch id order, each
     * in its recorded position order), and returns the results with every placeholder replaced.
     */
    public List<Replayed> scoreServedCalls(List<Replayed> scanned) {
        Map<Replayed, Replayed> answered = new IdentityHashMap<>();
        OfflineModel[] mine = modelsOfThisThread();
        synchronized (heldBack) {
            for (List<HeldBack> call : new TreeMap<>(heldBack).values()) {
                call.sort(Comparator.comparingInt((HeldBack held) -> held.place().position()));
                List<ScoringRequest> group = call.stream().map(HeldBack::request).toList();
                List<Answer> answers = mine[0].scoreTogether(group);
                List<Answer> otherAnswers = mine[1] == null ? null : mine[1].scoreTogether(group);
                for (int k = 0; k < call.size(); k++) {
                    Replayed placeholder = call.get(k).input();
                    answered.put(placeholder, new Replayed(placeholder.requestId(), placeholder.partition(), placeholder.offset(),
                            placeholder.receivedAtMs(), answers.get(k), otherAnswers == null ? null : otherAnswers.get(k)));
                }
            }
        }
        if (answered.isEmpty()) {
            return scanned;
        }
        List<Replayed> complete = new ArrayList<>(scanned.size());
        scanned.forEach(r -> complete.add(answered.getOrDefault(r, r)));
        return complete;
    }

    /** How the replay grouped requests into calls, for the report. */
    public record CallCounts(long requestsInServedCalls, long servedCalls, long modelCalls) {
    }

    /** Counts of the replayed model (not the {@code --against} one); call after {@link #scoreServedCalls}. */
    public CallCounts callCounts() {
        long modelCalls = 0;
        synchronized (loaded) {
            for (OfflineModel primary : primaries) {
                modelCalls += primary.calls();
            }
        }
        synchronized (heldBack) {
            return new CallCounts(heldBack.values().stream().mapToLong(List::size).sum(), heldBack.size(), modelCalls);
        }
    }

    private OfflineModel[] modelsOfThisThread() {
        OfflineModel[] mine = models.get();
        if (mine == null) {
            mine = new OfflineModel[] {OfflineModel.load(model, new AnswerReader(model.output(), positiveLabel)),
                    against == null ? null : OfflineModel.load(against, new AnswerReader(against.output(), positiveLabel))};
            models.set(mine);
            synchronized (loaded) {
                loaded.add(mine[0]);
                primaries.add(mine[0]);
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
            primaries.clear();
        }
    }
}
