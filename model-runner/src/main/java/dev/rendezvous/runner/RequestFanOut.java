package dev.rendezvous.runner;

import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model host's consumer-thread logic: decode each polled request once, hand the poll's requests to
 * every hosted version's {@link VersionLane}, and commit a poll's offsets once every version it was
 * handed to is done with it ({@link CommitLedger}). Works on the {@link Consumer} interface so that
 * the rule can be tested with a {@code MockConsumer}.
 */
final class RequestFanOut implements PollLoop.Handler<byte[]>, ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(RequestFanOut.class);
    /**
     * At most ten commits a second: a commit per poll at 1,000 req/s kept the broker's group
     * coordinator busy on the request path's broker. Completed offsets wait in the ledger meanwhile.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    /**
     * Requests one version may have queued before the host stops fetching: the versions share one
     * position, so the slowest one sets the pace once it is this far behind (expired requests are
     * answered without a model call, so a backlog of old requests drains fast).
     */
    static final int MAX_BACKLOG = 10_000;
    /** How long a rebalance waits for the versions to finish what they hold before committing. */
    private static final Duration DRAIN_ON_REVOKE = Duration.ofSeconds(5);

    private final String app;
    private final String name;
    private final Producer<String, byte[]> producer;
    private final long commitIntervalNanos;
    private final CommitLedger ledger = new CommitLedger();
    private final List<VersionLane> lanes = new CopyOnWriteArrayList<>();
    /** Partitions owned now; read by heartbeat threads (the consumer itself may not be touched there). */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private Consumer<byte[], byte[]> consumer;
    private long lastCommitNanos;
    private boolean pausedForBacklog;
    /** The pause the last poll ended with (0: none): the next one is completed with one more fetch. */
    private int pausedMs;
    /** How long the poll after a pause waits for the fetch that brings the rest of the pause's requests. */
    private static final int FOLLOW_UP_FETCH_MS = 5;

    RequestFanOut(String app, String name, Producer<String, byte[]> producer, Duration commitInterval) {
        this.app = app;
        this.name = name;
        this.producer = producer;
        this.commitIntervalNanos = commitInterval.toNanos();
    }

    /** Subscribes on the loop thread, with this fan-out as the rebalance listener. */
    void subscribe(Consumer<byte[], byte[]> loopConsumer, String requestsTopic) {
        this.consumer = loopConsumer;
        loopConsumer.subscribe(List.of(requestsTopic), this);
    }

    /** From the next poll on, every request polled goes to this version too. Any thread. */
    void attach(VersionLane lane) {
        lanes.add(lane);
    }

    /** From the next poll on, no request goes to this version. Any thread. */
    void detach(VersionLane lane) {
        lanes.remove(lane);
    }

    List<VersionLane> lanes() {
        return List.copyOf(lanes);
    }

    /** Whether partitions are assigned and their positions known: requests produced from now on reach every attached version. */
    boolean ownsPartitions() {
        return !owned.isEmpty();
    }

    @Override
    public void onRecords(Consumer<byte[], byte[]> loopConsumer, ConsumerRecords<byte[], byte[]> records) {
        handle(loopConsumer, records);
    }

    void handle(Consumer<byte[], byte[]> loopConsumer, ConsumerRecords<byte[], byte[]> polled) {
        commitCompleted(loopConsumer);
        holdBackForBacklog(loopConsumer);
        if (polled.isEmpty()) {
            pausedMs = 0;
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
        polled.forEach(records::add);
        if (pausedMs > 0) {
            // The fetch in flight during the pause came back with the first request(s) of it; the rest
            // wait at the broker, and the fetch this poll sent brings them at once (decision 004).
            // Scoring does not throw on bad records, so PollLoop's rewind (which knows only the first poll) is not needed.
            loopConsumer.poll(Duration.ofMillis(Math.min(FOLLOW_UP_FETCH_MS, pausedMs))).forEach(records::add);
        }
        List<PolledRequest> requests = decode(records);
        List<VersionLane> now = List.copyOf(lanes);
        List<CommitLedger.Share> shares = ledger.add(ranges(records), now.size());
        for (int i = 0; i < now.size(); i++) {
            now.get(i).offer(new VersionLane.Work(requests, shares.get(i)));
        }
        pausedMs = pauseBeforeNextPoll(now);
    }

    /**
     * When every hosted version batches ({@code maxWaitMs} > 0: a canary or shadow run alone), the
     * poll thread pauses too, for the shortest of their pauses, so that the requests of that time
     * arrive in one or two fetches instead of one fetch each (decision 004): nobody is waiting for
     * them sooner. With a version that scores at once, the host fetches as fast as requests come.
     */
    private int pauseBeforeNextPoll(List<VersionLane> hosted) {
        int pauseMs = Integer.MAX_VALUE;
        for (VersionLane lane : hosted) {
            pauseMs = Math.min(pauseMs, lane.manifest().batching().maxWaitMs());
        }
        if (hosted.isEmpty() || pauseMs <= 0) {
            return 0;
        }
        try {
            Thread.sleep(pauseMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pauseMs;
    }

    /**
     * A record that is not a valid request of this app is skipped and counted by every version, not
     * dead-lettered: the rendezvous reads the same record and alone dead-letters it, so that each
     * poison record is on the dead-letter topic exactly once.
     */
    private List<PolledRequest> decode(List<ConsumerRecord<byte[], byte[]>> records) {
        List<PolledRequest> requests = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String problem;
            try {
                ScoringRequest request = JsonCodec.decode(record.value(), ScoringRequest.class);
                if (request.app().equals(app)) {
                    requests.add(new PolledRequest(request, record.topic(), record.partition(), record.offset(),
                            RecordHeaders.text(record.headers(), RecordHeaders.TRACEPARENT).orElse(null)));
                    continue;
                }
                problem = "request " + request.id() + " is for app '" + request.app() + "' but arrived on the requests topic of app '" + app + "'";
            } catch (MalformedRecordException e) {
                problem = e.getMessage();
            }
            lanes.forEach(lane -> lane.metrics().refused());
            LOG.debug("{}: skipping {}-{}@{} (the rendezvous dead-letters it): {}", name, record.topic(), record.partition(), record.offset(), problem);
        }
        return List.copyOf(requests);
    }

    /** Pauses fetching while some version is {@link #MAX_BACKLOG} requests behind, resumes once all are below half of it. */
    private void holdBackForBacklog(Consumer<byte[], byte[]> loopConsumer) {
        int worst = 0;
        for (VersionLane lane : lanes) {
            worst = Math.max(worst, lane.backlog());
        }
        if (!pausedForBacklog && worst >= MAX_BACKLOG) {
            pausedForBacklog = true;
            loopConsumer.pause(loopConsumer.assignment());
            LOG.warn("{}: a version is {} requests behind; fetching paused until it catches up", name, worst);
        } else if (pausedForBacklog && worst < MAX_BACKLOG / 2) {
            pausedForBacklog = false;
            loopConsumer.resume(loopConsumer.paused());
            LOG.info("{}: versions caught up; fetching again", name);
        } else if (pausedForBacklog) {
            // A rebalance or a retried batch may have resumed some partitions meanwhile.
            loopConsumer.pause(loopConsumer.assignment());
        }
    }

    /** One pass, one TopicPartition per partition run: records come grouped by partition, a follow-up poll's after the first's. */
    private static Map<TopicPartition, CommitLedger.Range> ranges(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, CommitLedger.Range> ranges = new HashMap<>();
        TopicPartition partition = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (partition == null || partition.partition() != record.partition() || !partition.topic().equals(record.topic())) {
                partition = new TopicPartition(record.topic(), record.partition());
            }
            long offset = record.offset();
            ranges.merge(partition, new CommitLedger.Range(offset, offset + 1),
                    (a, b) -> new CommitLedger.Range(Math.min(a.first(), b.first()), Math.max(a.next(), b.next())));
        }
        return ranges;
    }

    private void commitCompleted(Consumer<byte[], byte[]> loopConsumer) {
        long now = System.nanoTime();
        if (lastCommitNanos != 0 && now - lastCommitNanos < commitIntervalNanos) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.takeCompleted();
        readAgainWhatFailedToSend(loopConsumer);
        if (!offsets.isEmpty()) {
            loopConsumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    // A later commit covers these offsets; at worst a restart scores a few requests twice.
                    LOG.warn("{}: offset commit failed: {}", name, error.toString());
                }
            });
        }
    }

    /**
     * A score the producer gave up on (after its delivery timeout: the broker was away that long) is not
     * an answer: the commit stops before that poll, and its partitions are read again from its first
     * record, so every version scores those requests again (expired ones get an expiry score without a
     * model call). The same rule as a Kafka Streams task that restarts from its last commit after a failed send.
     */
    private void readAgainWhatFailedToSend(Consumer<byte[], byte[]> loopConsumer) {
        Map<TopicPartition, Long> rewind = ledger.takeFailed();
        if (rewind.isEmpty()) {
            return;
        }
        Set<TopicPartition> assigned = loopConsumer.assignment();
        rewind.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                loopConsumer.seek(partition, offset);
            }
        });
        LOG.warn("{}: some scores could not be sent; reading {} again to score those requests anew", name, rewind);
    }

    /** The host stops: each version finishes the batch it is scoring, what was sent is flushed and what is done committed. */
    @Override
    public void onStop(Consumer<byte[], byte[]> loopConsumer) {
        stop(loopConsumer);
    }

    void stop(Consumer<byte[], byte[]> loopConsumer) {
        for (VersionLane lane : lanes) {
            lane.stop(false);
        }
        flushAndCommit(loopConsumer);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Commit what every version has answered before another member takes these partitions over,
        // so it does not score them again; give the versions a moment to answer what they hold.
        long until = System.nanoTime() + DRAIN_ON_REVOKE.toNanos();
        while (!partitions.isEmpty() && !ledger.allDone() && System.nanoTime() < until && lanes.stream().anyMatch(VersionLane::isRunning)) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        flushAndCommit(consumer);
        ledger.forget(partitions);
        owned.removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // With auto.offset.reset=latest, the position is looked up lazily; looking it up now means that
        // "ready" really marks the offset from which every request will be scored.
        for (TopicPartition partition : partitions) {
            consumer.position(partition);
        }
        owned.addAll(partitions);
        if (!partitions.isEmpty()) {
            LOG.info("{} scoring {} for {}", name, partitions, lanes.stream().map(lane -> lane.manifest().ref().toString()).toList());
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // The group has moved on without us: these offsets can no longer be committed.
        ledger.forget(partitions);
        owned.removeAll(partitions);
    }

    private void flushAndCommit(Consumer<byte[], byte[]> loopConsumer) {
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.takeCompleted();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            loopConsumer.commitSync(offsets, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("{}: final offset commit failed; the next owner rescores from the last commit: {}", name, e.toString());
        }
    }
}
