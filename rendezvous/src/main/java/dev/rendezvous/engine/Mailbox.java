package dev.rendezvous.engine;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Everything known about one request at the rendezvous: the request (once read), the answers in
 * arrival order, and the decision once made. Scores may arrive before their request, since they
 * come from another topic; such a mailbox waits for its request.
 */
final class Mailbox {
    private final String requestId;
    private final String app;
    private final int partition;
    private final long createdAtMs;
    private final List<RecordPosition> scorePositions = new ArrayList<>();
    private String traceparent;
    private Arbiter arbiter;
    private final List<Arrival> arrivals = new ArrayList<>();
    private ScoringRequest request;
    private RecordPosition position;
    private Decision decision;
    private int lateArrivals;
    private int failedEvaluations;
    /** When this instance first held back a decision for want of proof that the scores were read (-1: never). */
    private long unprovenSinceMs = -1;
    /** The request's record, kept until decided: dead-lettered unchanged if the request cannot be decided or answered. */
    private ConsumerRecord<byte[], byte[]> source;

    Mailbox(String requestId, String app, int partition, long createdAtMs) {
        this.requestId = requestId;
        this.app = app;
        this.partition = partition;
        this.createdAtMs = createdAtMs;
    }

    String app() {
        return app;
    }

    /** Partition number of the request (and of its scores: the topics are co-partitioned). */
    int partition() {
        return partition;
    }

    String traceparent() {
        return traceparent;
    }

    /** Positions of the score records held here, committed only once the mailbox is decided. */
    List<RecordPosition> scorePositions() {
        return scorePositions;
    }

    String requestId() {
        return requestId;
    }

    long createdAtMs() {
        return createdAtMs;
    }

    ScoringRequest request() {
        return request;
    }

    RecordPosition position() {
        return position;
    }

    /**
     * Attaches the request and the arbiter (policy version) in force when it arrived: a policy
     * change never moves the stage boundaries of a request already in flight.
     */
    void attachRequest(ScoringRequest request, ConsumerRecord<byte[], byte[]> source, RecordPosition position, String traceparent,
                       Arbiter arbiter) {
        this.request = request;
        this.source = source;
        this.position = position;
        this.traceparent = traceparent;
        this.arbiter = arbiter;
    }

    Arbiter arbiter() {
        return arbiter;
    }

    List<Arrival> arrivals() {
        return Collections.unmodifiableList(arrivals);
    }

    /** Adds an answer; returns false when the decision was already made (the answer is late). */
    boolean add(Arrival arrival, RecordPosition scorePosition) {
        if (decision != null) {
            lateArrivals++;
            return false;
        }
        arrivals.add(arrival);
        scorePositions.add(scorePosition);
        return true;
    }

    boolean decided() {
        return decision != null;
    }

    Decision decision() {
        return decision;
    }

    void decide(Decision decision) {
        this.decision = decision;
    }

    ConsumerRecord<byte[], byte[]> source() {
        return source;
    }

    /** Drops the request's record once it is no longer needed (it is kept ten seconds after the decision otherwise). */
    void releaseSource() {
        source = null;
    }

    /**
     * How long a decision has been held back for want of proof that the scores were read, counting from the
     * first call (which starts the count).
     */
    long heldUnprovenForMs(long nowMs) {
        if (unprovenSinceMs < 0) {
            unprovenSinceMs = nowMs;
        }
        return nowMs - unprovenSinceMs;
    }

    /** Counts a failed evaluation and returns how many there were. */
    int evaluationFailed() {
        return ++failedEvaluations;
    }

    int lateArrivals() {
        return lateArrivals;
    }
}
