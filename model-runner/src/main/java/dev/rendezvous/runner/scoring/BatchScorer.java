package dev.rendezvous.runner.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.runner.manifest.ModelManifest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scores the requests of one poll: each chunk of at most {@code maxBatch} requests is checked (expired,
 * invalid, injected failure) and its valid rows go to the model in ONE call; returns exactly one
 * {@link ModelScore} per request, in order. Never throws for a request or model problem: those become
 * error scores.
 *
 * <p>An output is a JSON object with one member per model output holding this request's row, plus
 * {@code "label"} (the argmax) when the manifest lists labels, e.g. {@code {"output":[0.12,0.88],"label":"legit"}}.
 */
public final class BatchScorer {
    /** The member added to an output when labels are known (unless the model has an output of that name). */
    public static final String LABEL = "label";

    private final ModelManifest manifest;
    private final BatchModel model;
    private final FeatureRows featureRows;
    private final FailureInjector failures;
    private final Clock clock;
    private final String labelledOutput;

    public BatchScorer(ModelManifest manifest, BatchModel model, FailureInjector failures, Clock clock) {
        this.manifest = manifest;
        this.model = model;
        this.featureRows = new FeatureRows(manifest.input());
        this.failures = failures;
        this.clock = clock;
        this.labelledOutput = manifest.output().tensor() != null ? manifest.output().tensor() : model.outputNames().get(0);
    }

    /** What one model call did, for metrics: how many rows it took and how long it ran. */
    public record Call(int batchSize, long inferenceMicros, boolean failed) {
    }

    /** The scores, in request order, and the model calls made for them. */
    public record Result(List<ModelScore> scores, List<Call> calls) {
    }

    public Result score(List<ScoringRequest> requests) {
        List<ModelScore> scores = new ArrayList<>(requests.size());
        List<Call> calls = new ArrayList<>();
        int maxBatch = manifest.batching().maxBatch();
        for (int from = 0; from < requests.size(); from += maxBatch) {
            scoreChunk(requests.subList(from, Math.min(requests.size(), from + maxBatch)), scores, calls);
        }
        return new Result(List.copyOf(scores), List.copyOf(calls));
    }

    private void scoreChunk(List<ScoringRequest> chunk, List<ModelScore> scores, List<Call> calls) {
        Instant start = clock.instant();
        ModelScore[] chunkScores = new ModelScore[chunk.size()];
        List<Integer> toScore = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            ScoringRequest request = chunk.get(i);
            long waitMicros = queueWaitMicros(request, start);
            if (request.deadlineAtMs() <= start.toEpochMilli()) {
                chunkScores[i] = error(request, ScoreError.EXPIRED_BEFORE_START, "the deadline passed "
                        + (start.toEpochMilli() - request.deadlineAtMs()) + " ms before scoring could start", waitMicros, 0, 0);
                continue;
            }
            try {
                float[] row = featureRows.row(request);
                Optional<String> failure = failures.failureFor(request);
                if (failure.isPresent()) {
                    chunkScores[i] = error(request, ScoreError.MODEL_FAILURE, failure.get(), waitMicros, 0, 0);
                    continue;
                }
                toScore.add(i);
                rows.add(row);
            } catch (InvalidInputException e) {
                chunkScores[i] = error(request, ScoreError.INVALID_INPUT, e.getMessage(), waitMicros, 0, 0);
            }
        }
        if (!rows.isEmpty()) {
            callModel(chunk, toScore, rows.toArray(float[][]::new), start, chunkScores, calls);
        }
        scores.addAll(List.of(chunkScores));
    }

    private void callModel(List<ScoringRequest> chunk, List<Integer> toScore, float[][] rows, Instant start,
                           ModelScore[] chunkScores, List<Call> calls) {
        long begin = System.nanoTime();
        List<ObjectNode> outputs = null;
        String failure = null;
        try {
            outputs = model.score(rows);
            if (outputs.size() != rows.length) {
                failure = "the model returned " + outputs.size() + " rows for a batch of " + rows.length;
            }
        } catch (ModelFailureException | RuntimeException e) {
            failure = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        long inferenceMicros = (System.nanoTime() - begin) / 1_000;
        calls.add(new Call(rows.length, inferenceMicros, failure != null));
        for (int k = 0; k < toScore.size(); k++) {
            int i = toScore.get(k);
            ScoringRequest request = chunk.get(i);
            long waitMicros = queueWaitMicros(request, start);
            chunkScores[i] = failure != null
                    ? error(request, ScoreError.MODEL_FAILURE, failure, waitMicros, inferenceMicros, rows.length)
                    : output(request, withLabel(outputs.get(k)), waitMicros, inferenceMicros, rows.length);
        }
    }

    private ObjectNode withLabel(ObjectNode output) {
        List<String> labels = manifest.output().labels();
        JsonNode row = output.get(labelledOutput);
        if (labels.isEmpty() || output.has(LABEL) || row == null || !row.isArray() || row.size() != labels.size()) {
            return output;
        }
        int best = -1;
        for (int j = 0; j < row.size(); j++) {
            double value = row.get(j).asDouble(Double.NaN);
            if (!Double.isNaN(value) && (best < 0 || value > row.get(best).asDouble())) {
                best = j;
            }
        }
        if (best >= 0) {
            output.put(LABEL, labels.get(best));
        }
        return output;
    }

    private static long queueWaitMicros(ScoringRequest request, Instant start) {
        // Clocks of the gateway's host and this one may disagree a little; never report a negative wait.
        return Math.max(0, ChronoUnit.MICROS.between(Instant.ofEpochMilli(request.receivedAtMs()), start));
    }

    private ModelScore output(ScoringRequest request, JsonNode output, long waitMicros, long inferenceMicros, int batchSize) {
        return new ModelScore(request.id(), request.app(), manifest.name(), manifest.version(), manifest.role(),
                output, null, waitMicros, inferenceMicros, batchSize, clock.millis());
    }

    private ModelScore error(ScoringRequest request, String code, String message, long waitMicros, long inferenceMicros, int batchSize) {
        return new ModelScore(request.id(), request.app(), manifest.name(), manifest.version(), manifest.role(),
                null, new ScoreError(code, message), waitMicros, inferenceMicros, batchSize, clock.millis());
    }
}
