package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a request times out: its 504 must be written by deadline + grace, so the timer fires the loops' lag before that. */
class RequestDispatcherTest {
    private static final long RECEIVED = 1_000_000L;
    private static final long GRACE = 500;
    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong wallMs = new AtomicLong(RECEIVED);
    private final AtomicLong monotonicMs = new AtomicLong(0);
    private final EventLoopLag lag = new EventLoopLag(monotonicMs::get);
    private final RequestDispatcher dispatcher = new RequestDispatcher(vertx, new TopicNames(""), "replies",
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), new KafkaAvailability(),
            new PendingReplies(), GRACE, lag, wallMs::get);

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ScoringRequest requestWithDeadlineMs(long deadlineMs) {
        return new ScoringRequest("r-1", "fraud", JsonCodec.mapper().createObjectNode().put("amount", 1), null,
                RECEIVED, RECEIVED + deadlineMs, null, null);
    }

    @Test
    void withoutLagTheTimeoutIsDueAtDeadlinePlusGraceFromReceiptLessTheFloor() {
        wallMs.set(RECEIVED + 7); // body read and validated: 7 ms after receipt; the old timer counted from here
        assertThat(dispatcher.timeoutDueAtMs(requestWithDeadlineMs(100)))
                .isEqualTo(RECEIVED + 100 + GRACE - GRACE / EventLoopLag.GRACE_FLOOR_DIVISOR);
    }

    @Test
    void aLaggingLoopMakesTheTimeoutDueThatMuchEarlierButNeverMoreThanHalfTheGrace() {
        lag.record(80);
        assertThat(dispatcher.timeoutDueAtMs(requestWithDeadlineMs(100))).isEqualTo(RECEIVED + 100 + GRACE - 80);
        lag.record(10_000);
        assertThat(dispatcher.timeoutDueAtMs(requestWithDeadlineMs(100))).isEqualTo(RECEIVED + 100 + GRACE / 2);
    }

    @Test
    void aTimeoutWrittenLateTeachesTheMarginOfTheNextOnes() throws Exception {
        long grace = 40;
        RequestDispatcher shortGrace = new RequestDispatcher(vertx, new TopicNames(""), "replies",
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), new KafkaAvailability(),
                new PendingReplies(), grace, lag, wallMs::get);
        java.util.concurrent.CompletableFuture<Reply> answered = new java.util.concurrent.CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> shortGrace.dispatch(null, requestWithDeadlineMs(1), null, reply -> {
            wallMs.addAndGet(1 + grace + 33); // the clock at the write: 33 ms past the timeout's due time (margin floor 4 ms)
            answered.complete(reply);
        }));
        assertThat(answered.get(5, TimeUnit.SECONDS)).as("no decision: a timeout").isEqualTo(Reply.NONE_IN_TIME);
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(lag.slowestMs()).isEqualTo(33 + grace / EventLoopLag.GRACE_FLOOR_DIVISOR));
        assertThat(shortGrace.timeoutDueAtMs(requestWithDeadlineMs(1))).isEqualTo(RECEIVED + 1 + grace - grace / 2);
    }
}
