package dev.rendezvous.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.RequestIds;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.registry.PolicyStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code POST /v1/score/{app}}: validates the body, produces one request record keyed by its id with
 * this gateway's reply topic as return address, and answers the caller with the decision (or a
 * timeout when no decision arrives by the deadline plus a grace period).
 */
final class ScoreRoute {
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String DEADLINE_HEADER = "X-Deadline-Ms";

    private final Vertx vertx;
    private final Map<String, AppSettings> apps;
    private final PolicyStore policies;
    private final TopicNames topics;
    private final String replyTopic;
    private final Producer<String, byte[]> producer;
    private final PendingReplies pending;
    private final GatewayConfig config;
    private final MeterRegistry registry;
    private final LongSupplier clock;

    ScoreRoute(Vertx vertx, Map<String, AppSettings> apps, PolicyStore policies, TopicNames topics, String replyTopic, Producer<String, byte[]> producer,
               PendingReplies pending, GatewayConfig config, MeterRegistry registry, LongSupplier clock) {
        this.vertx = vertx;
        this.apps = apps;
        this.policies = policies;
        this.topics = topics;
        this.replyTopic = replyTopic;
        this.producer = producer;
        this.pending = pending;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
    }

    void handle(RoutingContext ctx) {
        long receivedAtMs = clock.getAsLong();
        AppSettings app = apps.get(ctx.pathParam("app"));
        if (app == null) {
            throw new ApiError(404, "unknown app '" + ctx.pathParam("app") + "'; known apps: " + apps.keySet(), "path app");
        }
        requireJson(ctx);
        ObjectNode body = parseBody(ctx.body().buffer());
        JsonNode features = body.get("features");
        if (features == null || features.isNull()) {
            throw new ApiError(400, "the body has no 'features' object", "body.features");
        }
        if (!features.isObject()) {
            throw new ApiError(400, "'features' must be a JSON object of name to value, not " + features.getNodeType().name().toLowerCase(), "body.features");
        }
        String requestId = requestId(ctx, body);
        long budgetMs = deadline(ctx, app);
        ScoringRequest request = new ScoringRequest(requestId, app.name(), features, null,
                receivedAtMs, receivedAtMs + budgetMs, replyTopic, null);
        send(ctx, request, budgetMs);
    }

    private void send(RoutingContext ctx, ScoringRequest request, long budgetMs) {
        Context context = vertx.getOrCreateContext();
        long[] timer = new long[1];
        boolean registered = pending.register(request.app(), request.id(), decision -> {
            vertx.cancelTimer(timer[0]);
            context.runOnContext(v -> respond(ctx, request, decision));
        });
        if (!registered) {
            throw new ApiError(409, "request id '" + request.id() + "' is already in flight for app " + request.app(), "header " + REQUEST_ID_HEADER);
        }
        timer[0] = vertx.setTimer(budgetMs + config.replyGraceMs(), id -> pending.expire(request.app(), request.id()));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.requests(request.app()), request.id(), JsonCodec.encode(request));
        String traceparent = ctx.request().getHeader("traceparent");
        if (traceparent != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.TRACEPARENT, traceparent);
        }
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    vertx.cancelTimer(timer[0]);
                    pending.abandon(request.app(), request.id());
                    context.runOnContext(v -> HttpResponses.error(ctx, 503,
                            "the request could not be written to Kafka: " + error.getMessage(), "kafka"));
                }
            });
        } catch (RuntimeException e) {
            vertx.cancelTimer(timer[0]);
            pending.abandon(request.app(), request.id());
            throw new ApiError(503, "the request could not be written to Kafka: " + e.getMessage(), "kafka");
        }
    }

    private void respond(RoutingContext ctx, ScoringRequest request, Decision decision) {
        long latencyMs = clock.getAsLong() - request.receivedAtMs();
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("id", request.id());
        body.put("app", request.app());
        if (decision == null) {
            body.put("outcome", Outcome.TIMEOUT.wireName());
            body.putNull("output");
            body.putNull("model");
            body.putNull("version");
            body.put("reason", "timeout");
            body.put("error", "no decision arrived within the deadline of " + request.budgetMs() + " ms");
        } else {
            body.put("outcome", decision.outcome().wireName());
            body.set("output", decision.output());
            body.put("model", decision.model());
            body.put("version", decision.version());
            body.put("reason", decision.reason());
            body.put("policyVersion", decision.policyVersion());
            body.set("late", JsonCodec.mapper().valueToTree(decision.late()));
        }
        body.put("latencyMs", latencyMs);
        body.put("deadlineMs", request.budgetMs());
        boolean timedOut = decision == null || decision.outcome() == Outcome.TIMEOUT;
        registry.counter("rdv.gateway.answers", "app", request.app(), "outcome", timedOut ? "timeout" : decision.outcome().wireName()).increment();
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response()
                .setStatusCode(timedOut ? 504 : 200)
                .putHeader("Content-Type", "application/json")
                .putHeader(REQUEST_ID_HEADER, request.id())
                .end(Buffer.buffer(JsonCodec.encode(body)));
    }

    private static void requireJson(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
            throw new ApiError(415, "Content-Type must be application/json, was '" + contentType + "'", "header Content-Type");
        }
    }

    private static ObjectNode parseBody(Buffer buffer) {
        if (buffer == null || buffer.length() == 0) {
            throw new ApiError(400, "the body is empty; expected a JSON object with a 'features' object", "body");
        }
        JsonNode node;
        try {
            node = JsonCodec.mapper().readTree(buffer.getBytes());
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", "body");
        } catch (IOException e) {
            throw new ApiError(400, "the body cannot be read: " + e.getMessage(), "body");
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(400, "the body must be a JSON object with a 'features' object", "body");
        }
        return (ObjectNode) node;
    }

    private static String requestId(RoutingContext ctx, ObjectNode body) {
        String fromHeader = ctx.request().getHeader(REQUEST_ID_HEADER);
        JsonNode fromBody = body.get("id");
        if (fromBody != null && !fromBody.isNull() && !fromBody.isTextual()) {
            throw new ApiError(400, "'id' must be a string", "body.id");
        }
        String id = fromHeader != null ? fromHeader : fromBody != null && !fromBody.isNull() ? fromBody.asText() : null;
        if (id == null) {
            return RequestIds.generate();
        }
        String where = fromHeader != null ? "header " + REQUEST_ID_HEADER : "body.id";
        RequestIds.problemWith(id).ifPresent(problem -> {
            throw new ApiError(400, problem, where);
        });
        return id;
    }

    private long deadline(RoutingContext ctx, AppSettings app) {
        // The policy in force sets the longest deadline; the configured one covers the moments before any policy is read.
        long maxDeadlineMs = policies.current(app.name()).map(Policy::deadlineMs).orElse(app.maxDeadlineMs());
        String header = ctx.request().getHeader(DEADLINE_HEADER);
        if (header == null) {
            return maxDeadlineMs;
        }
        long requested;
        try {
            requested = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new ApiError(400, DEADLINE_HEADER + " must be a whole number of milliseconds, was '" + header + "'", "header " + DEADLINE_HEADER);
        }
        if (requested < 1) {
            throw new ApiError(400, DEADLINE_HEADER + " must be at least 1, was " + requested, "header " + DEADLINE_HEADER);
        }
        // A caller may ask for less time than the policy allows, never more.
        return Math.min(requested, maxDeadlineMs);
    }
}
