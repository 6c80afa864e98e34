package dev.rendezvous.gateway;

import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Sends a validated request to {@code <app>.requests} (keyed by its id, {@code traceparent} as a
 * record header), waits for its decision on the reply topic, and hands the route the {@link Reply}: the
 * decision, or none by the deadline plus the reply grace. It runs on an event loop, and the
 * producer never waits there ({@code max.block.ms} 0, see {@link KafkaAvailability}). A record Kafka
 * refused, at once or in its callback, is answered 503 with {@code Retry-After}, not as a timeout: the
 * request was never made. (A record still unacknowledged at
 * the deadline is a timeout: Kafka may yet have it, and acknowledgements can lag a short deadline.)
 */
final class RequestDispatcher {
    private final Vertx vertx;
    private final TopicNames topics;
    private final Producer<String, byte[]> producer;
    private final KafkaAvailability kafka;
    private final PendingReplies pending;
    private final long replyGraceMs;
    private final String replyTopic;
    private final EventLoopLag lag;
    private final java.util.function.LongSupplier clockMs;

    RequestDispatcher(Vertx vertx, TopicNames topics, String replyTopic, Producer<String, byte[]> producer, KafkaAvailability kafka,
                      PendingReplies pending, long replyGraceMs, EventLoopLag lag, java.util.function.LongSupplier clockMs) {
        this.vertx = vertx;
        this.lag = lag;
        this.clockMs = clockMs;
        this.replyTopic = replyTopic;
        this.topics = topics;
        this.producer = producer;
        this.kafka = kafka;
        this.pending = pending;
        this.replyGraceMs = replyGraceMs;
    }

    /** This gateway's return address: the topic its decisions come back on. */
    String replyTopic() {
        return replyTopic;
    }

    /**
     * @param traceparent a valid W3C traceparent to copy onto the record, or null
     * @param answer      called once on the request's context with the decision, or with none in time
     * @throws ApiError 409 when the id is already in flight for the app, 503 when Kafka refuses the record at once
     */
    /** Why Kafka refused a record; a retriable refusal (no metadata, timeout, no leader) also marks Kafka unavailable. */
    private String refused(Exception error) {
        if (error instanceof RetriableException) {
            kafka.failed(error.getMessage());
            return KafkaAvailability.unavailable(error.getMessage());
        }
        return "the request could not be written to Kafka: " + error.getMessage();
    }

    void dispatch(RoutingContext ctx, ScoringRequest request, String traceparent, Consumer<Reply> answer) {
        Context context = vertx.getOrCreateContext();
        long[] timer = new long[1];
        lag.sample(vertx, context);
        long timeoutDueAtMs = timeoutDueAtMs(request);
        PendingReplies.Completion completion = reply -> {
            vertx.cancelTimer(timer[0]);
            context.runOnContext(v -> {
                answer.accept(reply);
                if (reply instanceof Reply.NoneInTime) {
                    // The 504 is written: how late against its due time teaches the next timeouts' margin.
                    lag.record(Math.max(0, clockMs.getAsLong() - timeoutDueAtMs));
                }
            });
        };
        if (!pending.register(request.app(), request.id(), request.nonce(), completion)) {
            throw new ApiError(409, "request id '" + request.id() + "' is already in flight for app " + request.app(),
                    "header " + CallerHeaders.REQUEST_ID);
        }
        timer[0] = vertx.setTimer(Math.max(1, timeoutDueAtMs - clockMs.getAsLong()), id -> pending.expire(request.app(), request.id()));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.requests(request.app()), request.id(), JsonCodec.encode(request));
        if (traceparent != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.TRACEPARENT, traceparent);
        }
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    kafka.acknowledged();
                    return;
                }
                String problem = refused(error);
                if (pending.abandon(request.app(), request.id(), completion)) {
                    vertx.cancelTimer(timer[0]);
                    context.runOnContext(v -> notWritten(ctx, problem));
                }
            });
        } catch (RuntimeException e) {
            // Without metadata or buffer space, send() throws at once (max.block.ms 0): Kafka is away, or the gateway overloaded.
            String problem = refused(e);
            vertx.cancelTimer(timer[0]);
            pending.abandon(request.app(), request.id(), completion);
            throw ScoringAdmission.unavailable(ctx, problem, "kafka", "kafka");
        }
    }

    /**
     * When the request times out (epoch ms): its 504 must be written by the deadline plus the reply
     * grace, so the timer fires the margin {@link EventLoopLag} learnt before that.
     */
    long timeoutDueAtMs(ScoringRequest request) {
        return request.deadlineAtMs() + replyGraceMs - lag.timeoutMarginMs(replyGraceMs);
    }

    private static void notWritten(RoutingContext ctx, String message) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().putHeader("Retry-After", ScoringAdmission.RETRY_AFTER_SECONDS);
        }
        HttpResponses.error(ctx, 503, message, "kafka", "kafka");
    }
}
