package dev.rendezvous.engine;

import dev.rendezvous.kafka.DeadLetters;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rendezvous's consumer-thread side: everything here runs on the poll loop's thread. It keeps a
 * mailbox per pending request, asks the application's {@link Arbiter} for a verdict on every arrival
 * and at every wake-up time, and publishes the decision.
 *
 * <p>No single record can stop it: a record that does not decode into a fully valid request or score,
 * that belongs to another app, or whose handling throws, is dead-lettered with the reason and passed
 * over; a request whose evaluation keeps failing is answered with a timeout after
 * {@link #MAX_EVALUATION_FAILURES} tries and dead-lettered.
 */
final class RendezvousEngine implements PollLoop.Handler<byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(RendezvousEngine.class);
    /** Decided mailboxes are kept this long to recognise (and count) late answers. */
    private static final long KEEP_DECIDED_MS = 10_000;
    /** Scores whose request never shows up are dropped after this long. */
    private static final long ORPHAN_MS = 60_000;
    private static final long MAX_POLL_MS = 100;
    private static final long COMMIT_INTERVAL_MS = 100;
    /** A decision this much past its deadline counts as a deadline miss (the rendezvous itself was late). */
    private static final long DEADLINE_SLACK_MS = 5;
    /**
     * An owner deciding past the deadline first reads its results partition to the end, at most until
     * this long past it (below the gateway's default 500 ms grace): a standby may have answered the
     * request already, and its decision is adopted instead of a second, different one.
     */
    private static final long RESULTS_READ_MAX_MS = 400;
    /**
     * How long a decision at a stage end or the deadline is held back at most for want of proof that the
     * scores were read through its instant (normally a millisecond or two; longer only when the broker does
     * not answer), well inside a standby's takeover window.
     */
    private static final long UNPROVEN_MAX_MS = 100;
    /** The longest a stopping instance keeps deciding its in-flight requests. */
    private static final long DRAIN_MAX_MS = 5_000;
    /**
     * A request received further in the future than this (by the rendezvous's clock) is refused: it
     * would wait for its deadline, holding its partition's offset commit, for as long as it claims.
     */
    static final long MAX_CLOCK_AHEAD_MS = 60_000;
    static final int MAX_EVALUATION_FAILURES = 3;
    private static final long EVALUATION_RETRY_MS = 5;
    /** How soon a standby looks again at a due decision whose results partition it has not read to the end. */
    private static final long STANDBY_RECHECK_MS = 2;
    /**
     * Request ids closed without a mailbox — refused, or decided by a previous owner — remembered so
     * that their scores are passed over, not held as orphans; per instance.
     */
    private static final int MAX_CLOSED_REMEMBERED = 10_000;
    /** Read-back decisions kept for requests not re-read yet; more are dropped (and those requests decided anew). */
    private static final int MAX_RECOVERED = 200_000;

    private final Map<String, String> appOfRequestsTopic = new HashMap<>();
    private final Map<String, String> appOfScoresTopic = new HashMap<>();
    /**
     * The results topics: a standby reads them to learn which requests their owner decided, an owner
     * to adopt a standby's decision of a request it has not decided yet (first published wins).
     */
    private final Map<String, String> appOfResultsTopic = new HashMap<>();
    private final TopicNames topics;
    private final Function<String, Arbiter> arbiters;
    private final DecisionPublisher publisher;
    private final DeadLetters deadLetters;
    private final LongSupplier clock;
    private final MailboxStore store = new MailboxStore();
    private final OffsetTracker offsets = new OffsetTracker();
    private final EngineMeters meters;
    private final Map<String, Boolean> closed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_CLOSED_REMEMBERED;
        }
    };
    /** Decisions a previous owner published for requests this instance is about to re-read, by {@code app/id}. */
    private final Map<String, DecisionReadBack.Found> recovered = new HashMap<>();
    private final DecisionReadBack readBack;
    /** Null for an owner; a hot standby holds its decisions and publishes only those its owner did not make. */
    private final StandbySettings standby;
    private final StandbyHolds holds = new StandbyHolds();
    /** Requests decided by the other side (owner or standby) before this instance read them, passed over when they show up. */
    private final Map<String, Boolean> decidedElsewhere = boundedKeys();
    /** Standby only: requests this standby answered, to catch an owner that answered them too (a duplicate). */
    private final Map<String, Boolean> takenOver = boundedKeys();
    private final StandbyMeters standbyMeters;
    /** Standby only: when this standby last read an owner's decision, per results partition — the owner's sign of life. */
    private final Map<TopicPartition, Long> ownerSeenAt = new HashMap<>();
    private boolean offsetsChanged;
    private long lastCommitMs;
    /** Decisions read back from the results topics teach how long an answer takes to reach its reader. */
    private final ReplyHops replyHops = new ReplyHops();
    /** Up to when the scores partitions have been read: a decision at a stage end or the deadline waits for it. */
    private final ScoresReadThrough scoresRead;
    private final double replyMarginMaxShare;
    /** The margin every evaluation of one poll uses: renewed once per poll, only when the learnt hop moved. */
    private ReplyMargin replyMargin = ReplyMargin.NONE;

    RendezvousEngine(TopicNames topics, Collection<String> apps, Function<String, Arbiter> arbiters, DecisionPublisher publisher,
                     DeadLetters deadLetters, DecisionReadBack readBack, ScoresReadThrough.EndOffsets endOffsets, MeterRegistry registry,
                     LongSupplier clock) {
        this(topics, apps, arbiters, publisher, deadLetters, readBack, endOffsets, registry, clock, null, null, RendezvousSettings.DEFAULTS);
    }

    /**
     * @param standby        null for the owner of its partitions; else this instance is a hot standby
     *                       (it also reads the results topics, and has no read-back)
     * @param standbyMeters  the standby's own counters (its decision meters go to {@code registry}, which
     *                       for a standby should not be the exported one); null for an owner
     * @param timing         how far before the deadline decisions are taken at the latest (the reply margin)
     */
    RendezvousEngine(TopicNames topics, Collection<String> apps, Function<String, Arbiter> arbiters, DecisionPublisher publisher,
                     DeadLetters deadLetters, DecisionReadBack readBack, ScoresReadThrough.EndOffsets endOffsets, MeterRegistry registry,
                     LongSupplier clock, StandbySettings standby, StandbyMeters standbyMeters, RendezvousSettings timing) {
        this.scoresRead = new ScoresReadThrough(endOffsets);
        this.replyMarginMaxShare = timing.replyMarginMaxShare();
        this.standby = standby;
        this.standbyMeters = standbyMeters;
        this.topics = topics;
        this.readBack = readBack;
        this.arbiters = arbiters;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.clock = clock;
        addApps(apps);
        this.meters = new EngineMeters(registry);
        registry.gauge("rdv.rendezvous.mailboxes.undecided", store, MailboxStore::undecidedCount);
        // The learnt reply hop (p99), before any cap to a request's deadline share: what the margin is made of.
        registry.gauge("rdv.rendezvous.reply.hop.p99.ms", replyHops, ReplyHops::lastP99Ms);
    }

    /**
     * Takes up more apps (created while running) and returns every topic to subscribe to. On the poll
     * thread only, like everything here.
     */
    List<String> addApps(Collection<String> apps) {
        for (String app : apps) {
            appOfRequestsTopic.put(topics.requests(app), app);
            appOfScoresTopic.put(topics.scores(app), app);
            appOfResultsTopic.put(topics.results(app), app);
        }
        return subscribedTopics();
    }

    /** The requests, scores and results topics of every app this engine decides for. */
    List<String> subscribedTopics() {
        List<String> subscribed = new ArrayList<>(appOfRequestsTopic.keySet());
        subscribed.addAll(appOfScoresTopic.keySet());
        subscribed.addAll(appOfResultsTopic.keySet());
        return subscribed;
    }

    @Override
    public void onRecords(Consumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        long now = clock.getAsLong();
        Set<Mailbox> touched = new LinkedHashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Mailbox mailbox = onRecord(record, now);
            if (mailbox != null) {
                touched.add(mailbox);
            }
        }
        for (TopicPartition partition : records.partitions()) {
            if (appOfScoresTopic.containsKey(partition.topic())) {
                List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
                ConsumerRecord<byte[], byte[]> last = batch.get(batch.size() - 1);
                scoresRead.read(partition, last.timestamp(), last.timestampType());
            }
        }
        touched.addAll(store.due(now));
        long hopMs = replyMarginMaxShare == 0 ? 0 : ReplyMargin.stepped(replyHops.p99Ms(now));
        if (hopMs != replyMargin.estimateMs()) {
            replyMargin = new ReplyMargin(hopMs, replyMarginMaxShare);
        }
        for (Mailbox mailbox : touched) {
            evaluate(consumer, mailbox, now);
        }
        if (standby != null) {
            releaseDue(consumer, now);
        }
        for (Mailbox orphan : store.sweep(now, KEEP_DECIDED_MS, ORPHAN_MS)) {
            LOG.warn("dropping {} scores for request {} of app {}: its request never arrived",
                    orphan.arrivals().size(), orphan.requestId(), orphan.app());
            orphan.scorePositions().forEach(p -> offsets.decided(p.partition(), p.offset()));
            offsetsChanged = true;
        }
        // At most ten commits a second: a commit per poll kept the group coordinator busy.
        if (offsetsChanged && now - lastCommitMs >= COMMIT_INTERVAL_MS) {
            lastCommitMs = now;
            consumer.commitAsync(offsets.committable(), (committed, error) -> {
                if (error != null) {
                    LOG.warn("offset commit failed (will retry with the next one): {}", error.toString());
                }
            });
            offsetsChanged = false;
        }
    }

    /** Handles one record; whatever goes wrong with it is dead-lettered here, never thrown into the loop (which would re-read it forever). */
    private Mailbox onRecord(ConsumerRecord<byte[], byte[]> record, long now) {
        String requestsApp = appOfRequestsTopic.get(record.topic());
        if (requestsApp == null) {
            String resultsApp = appOfResultsTopic.get(record.topic());
            if (resultsApp != null) {
                if (standby != null) {
                    onOwnersDecision(resultsApp, record, now);
                } else {
                    onStandbysDecision(resultsApp, record, now);
                }
                return null;
            }
        }
        String app = requestsApp != null ? requestsApp : appOfScoresTopic.get(record.topic());
        try {
            return requestsApp != null ? onRequest(requestsApp, record, now) : onScore(app, record, now);
        } catch (RuntimeException e) {
            LOG.error("cannot handle {}-{}@{}; dead-lettering it", record.topic(), record.partition(), record.offset(), e);
            refuse(app, record, "could not be processed: " + e);
            return null;
        }
    }

    /** Dead-letters the record and moves its partition past it, even if it was already counted as read (a failure half-way). */
    private void refuse(String app, ConsumerRecord<byte[], byte[]> record, String reason) {
        deadLetter(app, record, reason);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.decided(partition, record.offset());
        offsets.passed(partition, record.offset());
        offsetsChanged = true;
    }

    /**
     * One dead letter per bad record: the owners' group is the one writer for the requests and scores
     * topics (runners, the standby, decoy and archiver read the same records and do not write one),
     * and {@link DeadLetters} does not write a second for a record read again.
     */
    private void deadLetter(String app, ConsumerRecord<byte[], byte[]> record, String reason) {
        if (standby != null) {
            standbyMeters.refusedLeftToOwner(app);
        } else if (deadLetters.send(topics.deadLetter(app), record, reason)) {
            meters.deadLettered(app);
        } else {
            meters.deadLetterRepeated(app);
        }
    }

    /** The record's value as {@code type}, or null after dead-lettering it with the decoder's reason. */
    private <T> T decodeOrRefuse(String app, ConsumerRecord<byte[], byte[]> record, Class<T> type) {
        try {
            return JsonCodec.decode(record.value(), type);
        } catch (MalformedRecordException e) {
            refuse(app, record, e.getMessage());
            return null;
        }
    }

    private Mailbox onRequest(String app, ConsumerRecord<byte[], byte[]> record, long now) {
        ScoringRequest request = decodeOrRefuse(app, record, ScoringRequest.class);
        if (request == null) {
            return null;
        }
        String problem = problemWith(app, request, record, now);
        if (problem != null) {
            refuse(app, record, problem);
            rememberClosed(app, request.originKey());
            return null;
        }
        if (!decidedElsewhere.isEmpty() && decidedElsewhere.remove(app + '/' + request.originKey()) != null) {
            offsets.passed(new TopicPartition(record.topic(), record.partition()), record.offset());
            offsetsChanged = true;
            rememberClosed(app, request.originKey());
            return null;
        }
        if (!recovered.isEmpty()) {
            DecisionReadBack.Found previous = recovered.remove(app + '/' + request.originKey());
            if (previous != null) {
                resendRecovered(app, request, record, previous);
                return null;
            }
        }
        // Everything that can fail comes before the mailbox is opened and the offset counted as read.
        Arbiter arbiter = arbiters.apply(app);
        String traceparent = RecordHeaders.text(record.headers(), RecordHeaders.TRACEPARENT).orElse(null);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        // Keyed by id and nonce: another record with this id but not its nonce is another request, which
        // neither takes this one's scores nor makes it a "duplicate" left unanswered.
        Mailbox mailbox = store.open(app, request.originKey(), record.partition(), now, false);
        if (mailbox.request() != null) {
            // The same request read twice (a producer retry or a re-read after failover): keep the first.
            offsets.passed(partition, record.offset());
            offsetsChanged = true;
            return null;
        }
        offsets.read(partition, record.offset());
        if (!closed.isEmpty()) {
            closed.remove(app + '/' + request.originKey());
        }
        mailbox.attachRequest(request, record, new RecordPosition(partition, record.offset()), traceparent, arbiter);
        store.requestAttached(mailbox);
        return mailbox;
    }

    /** What makes a well-formed request unacceptable here, or null. */
    private String problemWith(String app, ScoringRequest request, ConsumerRecord<byte[], byte[]> record, long now) {
        if (!request.app().equals(app)) {
            return "request " + request.id() + " is for app '" + request.app() + "' but arrived on the requests topic of app '" + app + "'";
        }
        if (request.replyTo() != null) {
            String replyProblem = topics.foreignReplyTopicProblem(request.replyTo());
            if (replyProblem != null) {
                return "replyTo: " + replyProblem;
            }
        }
        if (request.receivedAtMs() > now + MAX_CLOCK_AHEAD_MS) {
            return "receivedAtMs is " + (request.receivedAtMs() - now) + " ms in the future (at most " + MAX_CLOCK_AHEAD_MS + " ms of clock skew is accepted)";
        }
        return null;
    }

    /**
     * A request a previous owner already decided: the caller gets that decision (again: it may not
     * have, if the owner died between the results and the reply), the results topic keeps its one
     * decision, and nothing is decided anew.
     */
    private void resendRecovered(String app, ScoringRequest request, ConsumerRecord<byte[], byte[]> record, DecisionReadBack.Found previous) {
        String traceparent = RecordHeaders.text(record.headers(), RecordHeaders.TRACEPARENT).orElse(null);
        publisher.resend(previous.decision(), previous.value(), request.replyTo(), traceparent, record);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.passed(partition, record.offset());
        offsetsChanged = true;
        rememberClosed(app, request.originKey());
        meters.recovered(app);
    }

    /** @param originKey the request's {@link ScoringRequest#originKey()} */
    private void rememberClosed(String app, String originKey) {
        Mailbox existing = store.find(app, originKey);
        if (existing != null && existing.request() != null) {
            // A valid request with this id is in flight: a refused record must not take its scores away.
            return;
        }
        closed.put(app + '/' + originKey, Boolean.TRUE);
        if (existing != null) {
            // Scores read before the request would otherwise wait 60 s as orphans, holding the commit back.
            existing.scorePositions().forEach(p -> offsets.decided(p.partition(), p.offset()));
            store.discard(existing);
        }
    }

    private Mailbox onScore(String app, ConsumerRecord<byte[], byte[]> record, long now) {
        ModelScore score = decodeOrRefuse(app, record, ModelScore.class);
        if (score == null) {
            return null;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (!score.app().equals(app)) {
            refuse(app, record, "score of request " + score.requestId() + " is for app '" + score.app()
                    + "' but arrived on the scores topic of app '" + app + "'");
            return null;
        }
        // Closed ids are rare: no key is built per score unless there are some.
        if (!closed.isEmpty() && closed.containsKey(app + '/' + score.originKey())) {
            offsets.passed(partition, record.offset());
            offsetsChanged = true;
            return null;
        }
        Arrival arrival = new Arrival(score, arrivalTime(record, now));
        meters.scoreRead(app, now - arrival.arrivedAtMs());
        Mailbox mailbox = store.open(app, score.originKey(), record.partition(), now, true);
        if (!mailbox.add(arrival, new RecordPosition(partition, record.offset()))) {
            meters.lateAnswer(app, score);
            offsets.passed(partition, record.offset());
            offsetsChanged = true;
            return null;
        }
        offsets.read(partition, record.offset());
        if (mailbox.request() != null) {
            meters.answerArrived(app, score, arrival.arrivedAtMs() - mailbox.request().receivedAtMs());
        }
        return mailbox.request() == null ? null : mailbox;
    }

    /**
     * When the score reached Kafka: the record's timestamp (the broker's append time on the scores
     * topic, see {@code TopicLayout}), never later than now. Deciding by the time this instance read the
     * score instead made a rendezvous that fell behind call timely answers late and serve fallbacks.
     */
    static long arrivalTime(ConsumerRecord<?, ?> record, long nowMs) {
        if (record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE || record.timestamp() <= 0) {
            return nowMs;
        }
        return Math.min(nowMs, record.timestamp());
    }

    private void evaluate(Consumer<byte[], byte[]> consumer, Mailbox mailbox, long now) {
        if (mailbox.decided() || mailbox.request() == null) {
            return;
        }
        Verdict verdict;
        try {
            verdict = mailbox.arbiter().evaluate(mailbox.request(), mailbox.arrivals(), now, replyMargin);
        } catch (RuntimeException e) {
            onEvaluationFailure(mailbox, now, e);
            return;
        }
        if (verdict instanceof Verdict.Wait wait) {
            store.wakeAt(mailbox, wait.wakeAtMs());
            return;
        }
        if (standby == null && now >= mailbox.request().deadlineAtMs() && now < mailbox.request().deadlineAtMs() + RESULTS_READ_MAX_MS
                && unreadDecisions(consumer, mailbox)) {
            // A late owner (stalled, or just given the partition) may be deciding what a standby already
            // answered: read the decisions this instance knows are there first (FailoverUnderLoadIT saw an
            // owner decide "fallback" 275 ms after the deadline over a standby's "preferred").
            store.wakeAt(mailbox, now + 1);
            return;
        }
        Verdict.Decide decision = (Verdict.Decide) verdict;
        if (decision.onTimer()) {
            TopicPartition scores = new TopicPartition(topics.scores(mailbox.app()), mailbox.partition());
            if (!scoresRead.completeThrough(consumer, scores, decision.instantMs(), now)) {
                // Counted from the first look, not the instant: an owner that stalled past the deadline is exactly
                // the one that must read before it decides.
                if (mailbox.heldUnprovenForMs(now) < UNPROVEN_MAX_MS) {
                    // "No better answer by then" is not known yet: an unread score may say otherwise. Deciding
                    // now is how an owner and a standby came to contradict each other.
                    store.wakeAt(mailbox, ScoresReadThrough.nextLookMs(decision.instantMs(), now));
                    return;
                }
                if (standby == null) {
                    meters.decidedUnproven(mailbox.app());
                } else {
                    // The standby's decision meters go to a registry nobody reads; this one must be seen.
                    standbyMeters.decidedUnproven(mailbox.app());
                }
            }
        }
        decide(mailbox, decision.decision());
    }

    /** Whether this instance knows of decisions on the request's results partition that it has not read yet. */
    private boolean unreadDecisions(Consumer<byte[], byte[]> consumer, Mailbox mailbox) {
        java.util.OptionalLong lag = lag(consumer, new TopicPartition(topics.results(mailbox.app()), mailbox.partition()));
        return lag.isPresent() && lag.getAsLong() > 0;
    }

    /** The consumer's lag on {@code partition}; empty when unknown or the partition is not (or no longer) assigned here. */
    private static java.util.OptionalLong lag(Consumer<byte[], byte[]> consumer, TopicPartition partition) {
        try {
            return consumer.currentLag(partition);
        } catch (IllegalStateException notAssigned) {
            return java.util.OptionalLong.empty();
        }
    }

    private void onEvaluationFailure(Mailbox mailbox, long now, RuntimeException e) {
        ScoringRequest request = mailbox.request();
        int failures = mailbox.evaluationFailed();
        if (failures < MAX_EVALUATION_FAILURES) {
            LOG.warn("evaluating request {} of app {} failed ({} of {} tries): {}", request.id(), request.app(), failures,
                    MAX_EVALUATION_FAILURES, e.toString());
            store.wakeAt(mailbox, now + EVALUATION_RETRY_MS);
            return;
        }
        LOG.error("evaluating request {} of app {} failed {} times; answering with a timeout and dead-lettering it",
                request.id(), request.app(), failures, e);
        deadLetter(request.app(), mailbox.source(), "could not be decided: evaluation failed " + failures + " times: " + e);
        // The caller still gets an explicit answer, never silence.
        decide(mailbox, new Decision(request.id(), request.app(), Outcome.TIMEOUT, null, null, null, "timeout", 0, null,
                List.of(), List.of(), request.receivedAtMs(), request.deadlineAtMs(), now));
    }

    private void decide(Mailbox mailbox, Decision verdict) {
        // The policy arbiter echoes the nonce itself; only an arbiter that does not is corrected (a copy).
        String nonce = mailbox.request().nonce();
        Decision decision = nonce == null || nonce.equals(verdict.nonce()) ? verdict : verdict.withNonce(nonce);
        mailbox.decide(decision);
        store.decided(mailbox);
        meters.decided(decision, DEADLINE_SLACK_MS);
        if (standby != null) {
            // Published only if the owner's decision has not shown up by then (releaseDue).
            holds.hold(new StandbyHolds.Held(mailbox.app() + '/' + mailbox.requestId(), mailbox, decision,
                    clock.getAsLong() + standby.takeoverDelayMs()));
            return;
        }
        publisher.publish(decision, mailbox.request().replyTo(), mailbox.traceparent(), mailbox.source());
        resolved(mailbox);
    }

    /** The request and its scores count as decided for the offset commit. */
    private void resolved(Mailbox mailbox) {
        mailbox.releaseSource();
        offsets.decided(mailbox.position().partition(), mailbox.position().offset());
        mailbox.scorePositions().forEach(p -> offsets.decided(p.partition(), p.offset()));
        offsetsChanged = true;
    }

    /**
     * Standby: a decision on a results topic. The owner's cancels this standby's held decision of the
     * same request, or closes the request here if this standby has not decided it yet; one of this
     * standby's own is passed over; an owner's decision of a request this standby already answered is
     * a duplicate (the owner was slower than the takeover delay), counted and logged.
     */
    private void onOwnersDecision(String app, ConsumerRecord<byte[], byte[]> record, long now) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.passed(partition, record.offset());
        offsetsChanged = true;
        if (RecordHeaders.text(record.headers(), RecordHeaders.DECIDED_BY).isPresent()) {
            return;
        }
        ownerSeenAt.put(partition, now);
        replyHops.readBack(record.timestamp(), now);
        Decision decision;
        try {
            decision = JsonCodec.decode(record.value(), Decision.class);
        } catch (MalformedRecordException e) {
            // Not this service's input: the results topic's readers (archiver, gateway) judge it.
            return;
        }
        String key = app + '/' + dev.rendezvous.protocol.RequestIds.originKey(decision.requestId(), decision.nonce());
        StandbyHolds.Held held = holds.cancel(key);
        if (held != null) {
            resolved(held.mailbox());
            standbyMeters.ownerDecided(app);
            return;
        }
        if (takenOver.remove(key) != null) {
            standbyMeters.duplicate(app);
            LOG.warn("request {} of app {} was answered twice: by this standby and, later, by its owner ({}); the caller kept the first",
                    decision.requestId(), app, decision.reason());
            return;
        }
        Mailbox mailbox = store.find(app, key.substring(app.length() + 1));
        if (mailbox != null && mailbox.request() != null && !mailbox.decided()) {
            mailbox.decide(decision);
            store.decided(mailbox);
            resolved(mailbox);
            standbyMeters.ownerDecided(app);
        } else if (mailbox == null || mailbox.request() == null) {
            decidedElsewhere.put(key, Boolean.TRUE);
        }
    }

    /**
     * Owner: a decision on a results topic. Only a standby's matters (the owner's own come back here
     * too): a standby answers only when this owner stayed silent past its takeover delay, so a request
     * this owner has not decided yet takes the standby's decision — the one its caller already has —
     * instead of a second, possibly different one. A request this owner had decided too is counted.
     */
    private void onStandbysDecision(String app, ConsumerRecord<byte[], byte[]> record, long now) {
        offsets.passed(new TopicPartition(record.topic(), record.partition()), record.offset());
        offsetsChanged = true;
        if (RecordHeaders.text(record.headers(), RecordHeaders.DECIDED_BY).isEmpty()) {
            // An owner's decision (this instance's, or a peer's before a rebalance): one reply hop.
            replyHops.readBack(record.timestamp(), now);
            return;
        }
        Decision decision;
        try {
            decision = JsonCodec.decode(record.value(), Decision.class);
        } catch (MalformedRecordException e) {
            return;
        }
        String originKey = dev.rendezvous.protocol.RequestIds.originKey(decision.requestId(), decision.nonce());
        Mailbox mailbox = store.find(app, originKey);
        if (mailbox != null && mailbox.request() != null && !mailbox.decided()) {
            mailbox.decide(decision);
            store.decided(mailbox);
            resolved(mailbox);
            meters.adoptedFromStandby(app);
        } else if (mailbox == null || mailbox.request() == null) {
            if (!recovered.isEmpty()) {
                recovered.remove(app + '/' + originKey);
            }
            decidedElsewhere.put(app + '/' + originKey, Boolean.TRUE);
        } else {
            meters.decidedWithStandby(app);
        }
    }

    /**
     * Standby: publishes the held decisions whose owner stayed silent past the takeover delay. One is
     * released only once this standby has read its results partition to the end, so that an owner's
     * decision already in Kafka but not read yet is not answered twice; one past the takeover window
     * is left to the partition's next owner.
     */
    private void releaseDue(Consumer<byte[], byte[]> consumer, long now) {
        StandbyHolds.Held held;
        while ((held = holds.head()) != null && held.releaseAtMs() <= now) {
            Mailbox mailbox = held.mailbox();
            ScoringRequest request = mailbox.request();
            if (now > request.deadlineAtMs() + standby.takeoverWindowMs()) {
                holds.removeHead();
                resolved(mailbox);
                standbyMeters.expired(mailbox.app());
                continue;
            }
            TopicPartition results = new TopicPartition(topics.results(mailbox.app()), mailbox.partition());
            java.util.OptionalLong lag = lag(consumer, results);
            long heldSince = held.releaseAtMs() - standby.takeoverDelayMs();
            if (ownerSeenAt.getOrDefault(results, Long.MIN_VALUE) >= heldSince) {
                // The owner has decided other requests of this partition since: it is alive, only slower
                // than the delay (a GC pause, a starved CPU). Its answer is awaited; the window bounds the wait.
                holds.removeHead();
                holds.hold(new StandbyHolds.Held(held.key(), mailbox, held.decision(), now + standby.takeoverDelayMs()));
                continue;
            }
            if (lag.isEmpty() || lag.getAsLong() > 0) {
                // Looked at again after the next poll (nextPollTimeout stays short while something is due).
                return;
            }
            holds.removeHead();
            publisher.publish(held.decision(), request.replyTo(), mailbox.traceparent(), mailbox.source(), RecordHeaders.DECIDED_BY_STANDBY);
            resolved(mailbox);
            takenOver.put(held.key(), Boolean.TRUE);
            standbyMeters.tookOver(mailbox.app(), now - request.deadlineAtMs());
        }
    }

    /**
     * Standby: fixes where reading starts, results partitions first. A request is appended before its
     * owner's decision, so with the results position taken before the requests position, the owner's
     * decision of any request this standby reads is at or after its results position — never missed
     * (positions left to be reset lazily on the first fetch could land the other way round, and the
     * standby answered requests their owner had already decided).
     */
    private void fixStartPositions(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        partitions.stream().filter(p -> appOfResultsTopic.containsKey(p.topic())).forEach(consumer::position);
        partitions.stream().filter(p -> !appOfResultsTopic.containsKey(p.topic())).forEach(consumer::position);
    }

    private static Map<String, Boolean> boundedKeys() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > MAX_CLOSED_REMEMBERED * 10;
            }
        };
    }

    @Override
    public Duration nextPollTimeout() {
        long now = clock.getAsLong();
        long untilWake = store.nextWakeMs() - now;
        if (standby != null) {
            // A due hold waiting for its results partition to be read to the end is looked at again soon.
            untilWake = Math.min(untilWake, Math.max(STANDBY_RECHECK_MS, holds.nextReleaseMs() - now));
        }
        return Duration.ofMillis(Math.max(1, Math.min(MAX_POLL_MS, untilWake)));
    }

    /**
     * A clean stop hands over nothing in flight: stop reading new requests, keep reading scores and
     * deciding until every pending request is decided (at most {@link #DRAIN_MAX_MS}), then commit.
     * Without this, a stopping instance's pending requests wait for the next owner to re-read them.
     */
    @Override
    public void onStop(Consumer<byte[], byte[]> consumer) {
        if (standby != null) {
            // Nothing to hand over: the owners decide what this standby held.
            consumer.commitSync(offsets.committable());
            return;
        }
        List<TopicPartition> requestPartitions = consumer.assignment().stream()
                .filter(p -> appOfRequestsTopic.containsKey(p.topic())).toList();
        consumer.pause(requestPartitions);
        long until = clock.getAsLong() + DRAIN_MAX_MS;
        while (store.undecidedCount() > 0 && clock.getAsLong() < until) {
            onRecords(consumer, consumer.poll(nextPollTimeout()));
        }
        publisher.flush();
        consumer.commitSync(offsets.committable());
    }

    ConsumerRebalanceListener rebalanceListener(Consumer<byte[], byte[]> consumer) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                scoresRead.forget(partitions);
                publisher.flush();
                try {
                    consumer.commitSync(offsets.committable());
                } catch (RuntimeException e) {
                    LOG.warn("could not commit offsets before losing partitions {}: {}", partitions, e.toString());
                }
                for (TopicPartition partition : partitions) {
                    offsets.forget(partition);
                    String app = appOfRequestsTopic.get(partition.topic());
                    if (app != null) {
                        store.dropPartition(app, partition.partition());
                        holds.dropPartition(app, partition.partition());
                    }
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                scoresRead.forget(partitions);
                LOG.info(standby == null ? "rendezvous owns {}" : "rendezvous standby watches {}", partitions);
                if (standby != null) {
                    fixStartPositions(consumer, partitions);
                    return;
                }
                if (readBack != null && !partitions.isEmpty()) {
                    readBack.recoverDeadLetters(deadLetters, partitions, topic -> appOfRequestsTopic.getOrDefault(topic, appOfScoresTopic.get(topic)));
                    Map<String, DecisionReadBack.Found> found = readBack.recover(consumer, partitions, appOfRequestsTopic::get);
                    if (recovered.size() + found.size() <= MAX_RECOVERED) {
                        recovered.putAll(found);
                    } else {
                        LOG.warn("{} read-back decisions do not fit ({} kept); their requests are decided anew", found.size(), recovered.size());
                    }
                }
            }
        };
    }
}
