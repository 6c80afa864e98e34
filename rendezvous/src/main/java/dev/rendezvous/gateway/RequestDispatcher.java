package dev.rendezvous.gateway;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends a validated request to {@code <app>.requests} (keyed by its id, {@code traceparent} as a
 * record header), waits for its decision on the reply topic, and hands the route the decision — or
 * null when none came by the deadline plus the reply grace. The record goes through the
 * {@link RequestSender}'s queue: this class runs on an event loop and never calls the producer. A
 * record Kafka refused, or that could not be sent because Kafka is unavailable, is answered 503 with
 * {@code Retry-After}, not as a timeout: the request was never made. (A record still unacknowledged at
 * the deadline is a timeout: Kafka may yet have it, and acknowledgements can lag a short deadline.)
 */
final class RequestDispatcher {
    private final Vertx vertx;
    private final TopicNames topics;
    private final RequestSender sender;
    private final PendingReplies pending;
    private final long replyGraceMs;
    private final String replyTopic;

    RequestDispatcher(Vertx vertx, TopicNames topics, String replyTopic, RequestSender sender, PendingReplies pending,
                      long replyGraceMs) {
        this.vertx = vertx;
        this.replyTopic = replyTopic;
        this.topics = topics;
        this.sender = sender;
        this.pending = pending;
        this.replyGraceMs = replyGraceMs;
    }

    /** This gateway's return address: the topic its decisions come back on. */
    String replyTopic() {
        return replyTopic;
    }

    /**
     * @param traceparent a valid W3C traceparent to copy onto the record, or null
     * @param answer      called once on the request's context with the decision, or null on timeout
     * @throws ApiError 409 when the id is already in flight for the app, 503 when the sender's queue is full
     */
    void dispatch(RoutingContext ctx, ScoringRequest request, String traceparent, Consumer<Decision> answer) {
        Context context = vertx.getOrCreateContext();
        long[] timer = new long[1];
        PendingReplies.Completion completion = decision -> {
            vertx.cancelTimer(timer[0]);
            context.runOnContext(v -> answer.accept(decision));
        };
        if (!pending.register(request.app(), request.id(), request.nonce(), completion)) {
            throw new ApiError(409, "request id '" + request.id() + "' is already in flight for app " + request.app(),
                    "header " + CallerHeaders.REQUEST_ID);
        }
        timer[0] = vertx.setTimer(request.budgetMs() + replyGraceMs, id -> pending.expire(request.app(), request.id()));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.requests(request.app()), request.id(), JsonCodec.encode(request));
        if (traceparent != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.TRACEPARENT, traceparent);
        }
        Consumer<String> notWritten = problem -> {
            if (pending.abandon(request.app(), request.id(), completion)) {
                vertx.cancelTimer(timer[0]);
                context.runOnContext(v -> notWritten(ctx, problem));
            }
        };
        if (!sender.submit(new RequestSender.Outgoing(record, () -> pending.isWaiting(request.app(), request.id(), completion), notWritten))) {
            vertx.cancelTimer(timer[0]);
            pending.abandon(request.app(), request.id(), completion);
            throw ScoringAdmission.unavailable(ctx, "the gateway has as many records waiting for Kafka as it holds; retry shortly", "kafka");
        }
    }

    private static void notWritten(RoutingContext ctx, String message) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().putHeader("Retry-After", ScoringAdmission.RETRY_AFTER_SECONDS);
        }
        HttpResponses.error(ctx, 503, message, "kafka");
    }
}
