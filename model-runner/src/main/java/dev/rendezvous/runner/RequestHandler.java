package dev.rendezvous.runner;

import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.runner.manifest.ModelManifest;
import dev.rendezvous.runner.scoring.BatchScorer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's consumer-thread logic: decode each polled request (dead-lettering what cannot be
 * decoded), score the batch, send one score per request to the scores topic, and commit offsets once
 * those sends are done.
 */
final class RequestHandler implements PollLoop.Handler<byte[]>, ConsumerRebalanceListener {
    private static final long COMMIT_INTERVAL_NANOS = 100_000_000L;
    /** How long the poll after a pause waits for the fetch that brings the rest of the pause's requests. */
    private static final int FOLLOW_UP_FETCH_MS = 5;
    /** Whether the last batch ended with a pause: the next one is completed with one more fetch. */
    private boolean paused;
    private long lastCommitNanos;
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    private final ModelManifest manifest;
    private final BatchScorer scorer;
    private final Producer<String, byte[]> producer;
    private final String scoresTopic;
    private final RunnerMetrics metrics;
    private final PendingCommits pending = new PendingCommits();
    private Consumer<byte[], byte[]> consumer;
    /** Partitions owned now; read by the heartbeat thread (the consumer itself may not be touched there). */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();

    RequestHandler(ModelManifest manifest, BatchScorer scorer, Producer<String, byte[]> producer, String scoresTopic,
                   RunnerMetrics metrics) {
        this.manifest = manifest;
        this.scorer = scorer;
        this.producer = producer;
        this.scoresTopic = scoresTopic;
        this.metrics = metrics;
    }

    RunnerMetrics metrics() {
        return metrics;
    }

    /** Subscribes on the loop thread, with this handler as the rebalance listener. */
    void subscribe(Consumer<byte[], byte[]> loopConsumer, String requestsTopic) {
        this.consumer = loopConsumer;
        loopConsumer.subscribe(List.of(requestsTopic), this);
    }

    /** Whether partitions are assigned and their positions known: requests produced from now on are scored. */
    boolean isReady() {
        return !owned.isEmpty();
    }

    @Override
    public void onRecords(Consumer<byte[], byte[]> loopConsumer, ConsumerRecords<byte[], byte[]> records) {
        commitCompleted();
        if (records.isEmpty()) {
            paused = false;
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        if (paused) {
            // The fetch in flight during the pause came back with the first request(s) of it; the rest
            // wait at the broker, and the fetch this poll sent brings them at once. Scoring does not
            // throw on bad records, so PollLoop's rewind (which knows only the first poll) is not needed.
            loopConsumer.poll(Duration.ofMillis(Math.min(FOLLOW_UP_FETCH_MS, manifest.batching().maxWaitMs()))).forEach(batch::add);
        }
        handle(batch);
        paused = gatherBeforeNextPoll();
    }

    /**
     * A batching model ({@code maxWaitMs} > 0) pauses after each batch, so that the requests of the
     * next {@code maxWaitMs} arrive in one or two fetches instead of one fetch each (the consumer keeps
     * one fetch in flight meanwhile). An idle runner still waits in the broker's long poll and costs
     * nothing, and the first request after a quiet spell is scored at once. Heartbeats go on in the
     * consumer's own thread; a close waits for the pause to end.
     */
    private boolean gatherBeforeNextPoll() {
        int waitMs = manifest.batching().maxWaitMs();
        if (waitMs <= 0) {
            return false;
        }
        try {
            Thread.sleep(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    @Override
    public void onStop(Consumer<byte[], byte[]> loopConsumer) {
        flushAndCommit();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Commit what was scored before another member takes these partitions over, so it does not score them again.
        flushAndCommit();
        owned.removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // With auto.offset.reset=latest, the position is looked up lazily; looking it up now means that
        // "ready" really marks the offset from which every request will be scored.
        for (TopicPartition partition : partitions) {
            consumer.position(partition);
        }
        // Added once positioned: "ready" (owning a partition) then means scoring from here on.
        owned.addAll(partitions);
        if (!partitions.isEmpty()) {
            LOG.info("{} scoring {}", manifest.ref(), partitions);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // The group has moved on without us: these offsets can no longer be committed.
        pending.takeAll();
        owned.removeAll(partitions);
    }

    /**
     * Scores the valid requests of a batch. A record that is not a valid request of this app is skipped
     * and counted, not dead-lettered: every runner of the app and the rendezvous read the same record,
     * and the rendezvous alone dead-letters it, so that each poison record is on the dead-letter topic
     * exactly once (with four consumers it was there four times).
     */
    private void handle(List<ConsumerRecord<byte[], byte[]>> batch) {
        List<ScoringRequest> requests = new ArrayList<>(batch.size());
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            String problem;
            try {
                ScoringRequest request = JsonCodec.decode(record.value(), ScoringRequest.class);
                if (request.app().equals(manifest.app())) {
                    requests.add(request);
                    sources.add(record);
                    continue;
                }
                problem = "request " + request.id() + " is for app '" + request.app() + "' but arrived on the requests topic of app '"
                        + manifest.app() + "'";
            } catch (MalformedRecordException e) {
                problem = e.getMessage();
            }
            metrics.refused();
            LOG.debug("{}: skipping {}-{}@{} (the rendezvous dead-letters it): {}", manifest.ref(), record.topic(), record.partition(),
                    record.offset(), problem);
        }
        List<Future<RecordMetadata>> sends = send(requests, sources);
        pending.add(nextOffsets(batch), sends);
    }

    private List<Future<RecordMetadata>> send(List<ScoringRequest> requests, List<ConsumerRecord<byte[], byte[]>> sources) {
        if (requests.isEmpty()) {
            return List.of();
        }
        BatchScorer.Result result = scorer.score(requests);
        result.calls().forEach(metrics::called);
        List<Future<RecordMetadata>> sends = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ModelScore score = result.scores().get(i);
            ConsumerRecord<byte[], byte[]> source = sources.get(i);
            metrics.scored(score);
            // Same partition number as the request: the rendezvous joins requests and scores partition by
            // partition, and this holds whatever partitioner the request's producer used.
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(scoresTopic, source.partition(), score.requestId(),
                    JsonCodec.encode(score), traceHeaders(source.headers()));
            sends.add(producer.send(record, (metadata, error) -> {
                if (error != null) {
                    metrics.sendFailed();
                    LOG.error("{}: cannot send the score of request {} ({}-{}@{}): {}", manifest.ref(), score.requestId(),
                            source.topic(), source.partition(), source.offset(), error.toString());
                }
            }));
        }
        return sends;
    }

    private static Headers traceHeaders(Headers source) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        RecordHeaders.text(source, RecordHeaders.TRACEPARENT).ifPresent(value -> RecordHeaders.put(headers, RecordHeaders.TRACEPARENT, value));
        return headers;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private void commitCompleted() {
        long now = System.nanoTime();
        // At most ten commits a second: a commit per poll at 1,000 req/s kept the broker's group
        // coordinator busy on the request path's broker. Completed offsets wait in `pending`.
        if (now - lastCommitNanos < COMMIT_INTERVAL_NANOS) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = pending.takeCompleted();
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    // A later commit covers these offsets; at worst a restart scores a few requests twice.
                    LOG.warn("{}: offset commit failed: {}", manifest.ref(), error.toString());
                }
            });
        }
    }

    private void flushAndCommit() {
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> offsets = pending.takeAll();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("{}: final offset commit failed; the next owner rescores from the last commit: {}", manifest.ref(), e.toString());
        }
    }
}
