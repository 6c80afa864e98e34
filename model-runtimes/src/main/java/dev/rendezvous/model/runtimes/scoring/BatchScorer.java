package dev.rendezvous.model.runtimes.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Scores the requests of one poll: each chunk of at most {@code maxBatch} requests is checked (expired,
 * invalid, injected failure); requests whose inputs stack along dimension 0 go to the model in ONE call
 * and the outputs are split back per request, the others are scored one call each. Returns exactly one
 * {@link ModelScore} per request, in order. Never throws for a request or model problem: those become
 * error scores ({@code call-timeout} for a call that exceeded {@code callTimeoutMs}, see {@link TimeLimitedModel}). Outputs are written in the request's form (see {@link ScoreOutputs}). Every score carries
 * the manifest's verified artifact SHA-256 (none for {@code remote-oip}), and the identity of its model
 * call: {@code batchId} (the same for every request of one call, unique per scorer and call) and its
 * {@code batchPosition}, because a batch-sensitive model's answer depends on the call's other requests
 * and a replay must be able to rebuild the call. A manifest with {@code batching: false} gets calls of
 * one request, whatever the poll held.
 */
public final class BatchScorer {
    /** The member added to a features-form output when labels are known (unless the model has an output of that name). */
    public static final String LABEL = ScoreOutputs.LABEL;

    private final ModelManifest manifest;
    private final BatchModel model;
    private final RequestTensors requestTensors;
    private final ScoreOutputs outputs;
    private final FailureInjector failures;
    private final Clock clock;
    private final Supplier<ModelRole> role;
    /** Unique per scorer (so per runner process): 64 random bits; the score names its model already. */
    private final String batchIdPrefix;
    private long callsMade;

    public BatchScorer(ModelManifest manifest, BatchModel model, FailureInjector failures, Clock clock) {
        this(manifest, model, failures, clock, manifest::role);
    }

    /**
     * @param role the role stamped on each score: the registry's current one, which a promotion changes
     * @throws IllegalArgumentException when the manifest's input mapping does not fit the model's signature
     */
    public BatchScorer(ModelManifest manifest, BatchModel model, FailureInjector failures, Clock clock, Supplier<ModelRole> role) {
        this.manifest = manifest;
        this.model = model;
        this.requestTensors = new RequestTensors(model.signature(), manifest.input(), model.stacksRequests());
        this.outputs = new ScoreOutputs(manifest.output(), model.signature().outputNames());
        this.failures = failures;
        this.clock = clock;
        this.role = role;
        this.batchIdPrefix = String.format("%016x", new java.security.SecureRandom().nextLong()) + "-";
    }

    /** What one model call did, for metrics: how many requests it took and how long it ran. */
    public record Call(int batchSize, long inferenceMicros, boolean failed) {
    }

    /** The scores, in request order, and the model calls made for them. */
    public record Result(List<ModelScore> scores, List<Call> calls) {
    }

    private record Pending(int index, ScoringRequest request, RequestTensors.Prepared prepared) {
    }

    public Result score(List<ScoringRequest> requests) {
        List<ModelScore> scores = new ArrayList<>(requests.size());
        List<Call> calls = new ArrayList<>();
        // batching: false makes maxBatch 1 (see Batching): chunks of one request, so no call ever takes two.
        int maxBatch = manifest.batching().maxBatch();
        for (int from = 0; from < requests.size(); from += maxBatch) {
            scoreChunk(requests.subList(from, Math.min(requests.size(), from + maxBatch)), scores, calls);
        }
        return new Result(List.copyOf(scores), List.copyOf(calls));
    }

    private void scoreChunk(List<ScoringRequest> chunk, List<ModelScore> scores, List<Call> calls) {
        Instant start = clock.instant();
        ModelScore[] chunkScores = new ModelScore[chunk.size()];
        Map<String, List<Pending>> stacks = new LinkedHashMap<>();
        List<Pending> alone = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            ScoringRequest request = chunk.get(i);
            long waitMicros = queueWaitMicros(request, start);
            if (request.deadlineAtMs() <= start.toEpochMilli()) {
                chunkScores[i] = error(request, ScoreError.EXPIRED_BEFORE_START, "the deadline passed "
                        + (start.toEpochMilli() - request.deadlineAtMs()) + " ms before scoring could start", waitMicros, 0, 0);
                continue;
            }
            try {
                RequestTensors.Prepared prepared = requestTensors.prepare(request);
                Optional<String> failure = failures.failureFor(request);
                if (failure.isPresent()) {
                    chunkScores[i] = error(request, ScoreError.MODEL_FAILURE, failure.get(), waitMicros, 0, 0);
                } else if (prepared.stackKey() != null) {
                    stacks.computeIfAbsent(prepared.stackKey(), key -> new ArrayList<>()).add(new Pending(i, request, prepared));
                } else {
                    alone.add(new Pending(i, request, prepared));
                }
            } catch (InvalidInputException e) {
                chunkScores[i] = error(request, ScoreError.INVALID_INPUT, e.getMessage(), waitMicros, 0, 0);
            }
        }
        for (List<Pending> stack : stacks.values()) {
            callStacked(stack, start, chunkScores, calls);
        }
        if (!alone.isEmpty()) {
            callEach(alone, start, chunkScores, calls);
        }
        scores.addAll(List.of(chunkScores));
    }

    /** One call for requests whose inputs stack along dimension 0; outputs are split back by each request's rows. */
    private void callStacked(List<Pending> stack, Instant start, ModelScore[] chunkScores, List<Call> calls) {
        Map<String, TensorValue> inputs = new LinkedHashMap<>();
        int totalRows = 0;
        long deadline = Long.MAX_VALUE;
        for (Pending pending : stack) {
            totalRows += pending.prepared().rows();
            deadline = Math.min(deadline, pending.request().deadlineAtMs());
        }
        for (TensorSpec spec : model.signature().inputs()) {
            inputs.put(spec.name(), TensorValue.concat(stack.stream().map(p -> p.prepared().inputs().get(spec.name())).toList()));
        }
        long begin = System.nanoTime();
        Map<String, TensorValue> result = null;
        String failure;
        String code = ScoreError.MODEL_FAILURE;
        try {
            result = model.infer(inputs, deadline);
            failure = checkOutputs(result, totalRows);
        } catch (ModelFailureException | RuntimeException e) {
            failure = e.getMessage() != null ? e.getMessage() : e.toString();
            code = e instanceof CallTimeoutException ? ScoreError.CALL_TIMEOUT : ScoreError.MODEL_FAILURE;
        }
        long inferenceMicros = (System.nanoTime() - begin) / 1_000;
        calls.add(new Call(stack.size(), inferenceMicros, failure != null));
        String batchId = nextBatchId();
        int row = 0;
        int position = 0;
        for (Pending pending : stack) {
            int rows = pending.prepared().rows();
            if (failure != null) {
                chunkScores[pending.index()] = error(pending.request(), code, failure,
                        queueWaitMicros(pending.request(), start), inferenceMicros, stack.size()).inBatch(batchId, position);
            } else {
                Map<String, TensorValue> own = new LinkedHashMap<>();
                for (TensorSpec spec : model.signature().outputs()) {
                    TensorValue value = result.get(spec.name());
                    own.put(spec.name(), stack.size() == 1 ? value : value.rows(row, row + rows));
                }
                chunkScores[pending.index()] = output(pending.request(), outputs.write(pending.prepared().form(), own),
                        queueWaitMicros(pending.request(), start), inferenceMicros, stack.size()).inBatch(batchId, position);
            }
            row += rows;
            position++;
        }
    }

    /** One call per request, for models or inputs that cannot be stacked. */
    private void callEach(List<Pending> alone, Instant start, ModelScore[] chunkScores, List<Call> calls) {
        List<BatchModel.Inference> results = model.inferEach(alone.stream().map(p -> p.prepared().inputs()).toList(),
                alone.stream().map(p -> p.request().deadlineAtMs()).toList());
        for (int k = 0; k < alone.size(); k++) {
            Pending pending = alone.get(k);
            BatchModel.Inference inference = results.get(k);
            String failure = inference.failure() != null ? inference.failure() : checkOutputs(inference.outputs(), -1);
            calls.add(new Call(1, inference.micros(), failure != null));
            long waitMicros = queueWaitMicros(pending.request(), start);
            if (failure != null) {
                String code = inference.timedOut() ? ScoreError.CALL_TIMEOUT : ScoreError.MODEL_FAILURE;
                chunkScores[pending.index()] = error(pending.request(), code, failure, waitMicros, inference.micros(), 1)
                        .inBatch(nextBatchId(), 0);
            } else {
                Map<String, TensorValue> own = new LinkedHashMap<>();
                model.signature().outputs().forEach(spec -> own.put(spec.name(), inference.outputs().get(spec.name())));
                chunkScores[pending.index()] = output(pending.request(), outputs.write(pending.prepared().form(), own),
                        waitMicros, inference.micros(), 1).inBatch(nextBatchId(), 0);
            }
        }
    }

    /** Why a model's result cannot be used (an output missing, or not one row per input row), or null. */
    private String checkOutputs(Map<String, TensorValue> result, int rows) {
        if (result == null) {
            return "the model returned no outputs";
        }
        for (TensorSpec spec : model.signature().outputs()) {
            TensorValue value = result.get(spec.name());
            if (value == null) {
                return "the model's result lacks output '" + spec.name() + "'; it returned " + result.keySet();
            }
            if (rows >= 0 && (value.rank() == 0 || value.dim(0) != rows)) {
                return "output '" + spec.name() + "' is " + value.describe() + " for a batch of " + rows
                        + " rows; stacked requests need one output row per input row";
            }
        }
        return null;
    }

    private String nextBatchId() {
        return batchIdPrefix + (++callsMade);
    }

    private static long queueWaitMicros(ScoringRequest request, Instant start) {
        // Clocks of the gateway's host and this one may disagree a little; never report a negative wait.
        return Math.max(0, ChronoUnit.MICROS.between(Instant.ofEpochMilli(request.receivedAtMs()), start));
    }

    private ModelScore output(ScoringRequest request, JsonNode output, long waitMicros, long inferenceMicros, int batchSize) {
        return new ModelScore(request.id(), request.app(), manifest.name(), manifest.version(), role.get(),
                output, null, waitMicros, inferenceMicros, batchSize, clock.millis(), manifest.sha256(), request.nonce());
    }

    private ModelScore error(ScoringRequest request, String code, String message, long waitMicros, long inferenceMicros, int batchSize) {
        return new ModelScore(request.id(), request.app(), manifest.name(), manifest.version(), role.get(),
                null, new ScoreError(code, message), waitMicros, inferenceMicros, batchSize, clock.millis(), manifest.sha256(), request.nonce());
    }
}
