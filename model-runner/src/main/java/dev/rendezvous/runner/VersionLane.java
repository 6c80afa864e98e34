package dev.rendezvous.runner;

import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.TimeLimitedModel;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hosted model version's scoring thread. The host's poll hands it the decoded requests of each
 * poll; it scores whatever has queued since its last batch in one go (so a version that fell behind
 * catches up in larger batches), sends one score per request and marks its {@link CommitLedger.Share}
 * of each poll. A version scores on its own thread so that a slow, batching or hanging model never
 * holds another version's scores: each sends the moment its model answers.
 *
 * <p>A batching version ({@code batching.maxWaitMs} > 0) pauses after each batch, so that the requests
 * of that time gather into the next one (decision 004); the pause no longer stops a consumer, only
 * this thread.
 */
final class VersionLane {
    private static final Logger LOG = LoggerFactory.getLogger(VersionLane.class);

    /** One poll's requests for this version, and the share of the poll it owes. */
    record Work(List<PolledRequest> requests, CommitLedger.Share share) {
    }

    private final ModelManifest manifest;
    private final BatchScorer scorer;
    private final TimeLimitedModel model;
    private final RunnerMetrics metrics;
    private final Producer<String, byte[]> producer;
    private final String scoresTopic;
    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    /** Requests queued and not yet scored; the host pauses its consumer when a version falls too far behind. */
    private final AtomicInteger backlog = new AtomicInteger();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    /** The batch being scored; released if the lane is stopped for good before it finishes. */
    private volatile List<Work> inFlight = List.of();
    private volatile boolean stop;
    /** Set before {@link #stop} when the version leaves alone: whatever is or gets queued for it is released. */
    private volatile boolean releasing;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    VersionLane(ModelManifest manifest, BatchScorer scorer, TimeLimitedModel model, RunnerMetrics metrics, Producer<String, byte[]> producer,
                String scoresTopic) {
        this.manifest = manifest;
        this.scorer = scorer;
        this.model = model;
        this.metrics = metrics;
        this.producer = producer;
        this.scoresTopic = scoresTopic;
        this.thread = new Thread(this::run, "score-" + manifest.app() + "-" + manifest.ref());
        this.thread.setDaemon(true);
    }

    ModelManifest manifest() {
        return manifest;
    }

    TimeLimitedModel model() {
        return model;
    }

    RunnerMetrics metrics() {
        return metrics;
    }

    VersionLane start() {
        thread.start();
        return this;
    }

    boolean isRunning() {
        return !stop && thread.isAlive();
    }

    int backlog() {
        return backlog.get();
    }

    /** Called on the host's poll thread. A lane that is leaving releases the work at once. */
    void offer(Work work) {
        if (releasing) {
            work.share().release();
            return;
        }
        backlog.addAndGet(work.requests().size());
        queue.add(work);
        // The poll may have picked this lane just before it left: its stop() has drained the queue already.
        if (releasing && queue.remove(work)) {
            work.share().release();
        }
    }

    private void run() {
        try {
            while (!stop) {
                Work first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Work> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch);
                inFlight = batch;
                score(batch);
                inFlight = List.of();
                int pauseMs = manifest.batching().maxWaitMs();
                if (pauseMs > 0) {
                    stopping.await(pauseMs, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("{} of app {}: scoring thread stopped by an error", manifest.ref(), manifest.app(), e);
        }
    }

    private void score(List<Work> batch) {
        List<ScoringRequest> requests = new ArrayList<>();
        for (Work work : batch) {
            for (PolledRequest polled : work.requests()) {
                requests.add(polled.request());
            }
        }
        backlog.addAndGet(-requests.size());
        List<ModelScore> scores = List.of();
        if (!requests.isEmpty()) {
            try {
                BatchScorer.Result result = scorer.score(requests);
                result.calls().forEach(metrics::called);
                scores = result.scores();
            } catch (RuntimeException e) {
                // Scoring turns request and model problems into error scores; this is a bug. The batch is given
                // up (released, so that it does not hold the host's commits for good), the lane goes on. Only
                // scoring: a send that throws must not count as an answer, or the commit passes unsent scores.
                LOG.error("{} of app {}: cannot score a batch of {} polls; its requests get no score from this version",
                        manifest.ref(), manifest.app(), batch.size(), e);
                batch.forEach(work -> work.share().release());
                return;
            }
        }
        if (releasing) {
            // The version left while this batch was scored (stop may have run before or after inFlight was set,
            // or this batch was taken after stop drained the queue): its scores are owed to nobody, and its shares
            // must be released here or the host never commits past them. Release twice is harmless.
            batch.forEach(work -> work.share().release());
            return;
        }
        int next = 0;
        for (Work work : batch) {
            List<Future<RecordMetadata>> sends = new ArrayList<>(work.requests().size());
            for (PolledRequest polled : work.requests()) {
                sends.add(send(scores.get(next++), polled));
            }
            work.share().sent(sends);
        }
    }

    private Future<RecordMetadata> send(ModelScore score, PolledRequest source) {
        metrics.scored(score);
        // Same partition number as the request: the rendezvous joins requests and scores partition by
        // partition, and this holds whatever partitioner the request's producer used.
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(scoresTopic, source.partition(), score.requestId(),
                JsonCodec.encode(score), traceHeaders(source));
        return producer.send(record, (metadata, error) -> {
            if (error != null) {
                metrics.sendFailed();
                LOG.error("{}: cannot send the score of request {} ({}-{}@{}): {}", manifest.ref(), score.requestId(),
                        source.topic(), source.partition(), source.offset(), error.toString());
            }
        });
    }

    private static Headers traceHeaders(PolledRequest source) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        if (source.traceparent() != null) {
            RecordHeaders.put(headers, RecordHeaders.TRACEPARENT, source.traceparent());
        }
        return headers;
    }

    /**
     * Stops the lane and frees the model (an ONNX session only once no call runs in it, see
     * {@link TimeLimitedModel#close()}). {@code release}: the version leaves while the host goes on
     * (retired, or stopped alone), so nothing it still owes — the batch it is scoring, the work queued
     * for it — may hold the host's commits: all of it is released at once and what it still scores is
     * not sent. Otherwise (the host itself stops) it finishes the batch it is scoring (at most about
     * {@code callTimeoutMs}), and queued work stays owed: the host commits only up to it.
     */
    void stop(boolean release) {
        if (release) {
            releasing = true;
            releaseOwed();
        }
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        stop = true;
        stopping.countDown();
        if (!release) {
            try {
                thread.join(manifest.callTimeoutMs() + 5_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("{} of app {}: its scoring thread did not finish its batch within callTimeoutMs + 5 s", manifest.ref(), manifest.app());
            }
        }
        model.close();
        metrics.close();
    }

    private void releaseOwed() {
        inFlight.forEach(work -> work.share().release());
        for (Work work; (work = queue.poll()) != null; ) {
            work.share().release();
        }
    }
}
