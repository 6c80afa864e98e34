package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RequestIds;
import dev.rendezvous.protocol.ScoringRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;

/**
 * {@code POST /v1/score/{app}} with {@code {"features": {...}}}: validates the body (features against
 * the models' declared signature too, see {@link InputSignatures}), dispatches the
 * request and answers the caller with the decision (200), or with a timeout (504) when no decision
 * arrives by the deadline plus a grace period. Admission (app, API key, capacity) happened before.
 * With {@code ?explain=true} (or {@code X-Explain: true}) the answer also carries the decision's
 * {@code candidates} and {@code splitVariant}; a timeout of the gateway's own carries its view instead
 * (see {@link TimeoutForensics}).
 */
final class ScoreRoute {
    private final JsonBodyReader bodies;
    private final InputSignatures signatures;
    private final MaxDeadlines maxDeadlines;
    private final RequestDispatcher dispatcher;
    private final TimeoutForensics forensics;
    private final AnswerCounters answers;
    private final LongSupplier clock;

    ScoreRoute(JsonBodyReader bodies, InputSignatures signatures, MaxDeadlines maxDeadlines, RequestDispatcher dispatcher, TimeoutForensics forensics,
               MeterRegistry registry, LongSupplier clock) {
        this.bodies = bodies;
        this.signatures = signatures;
        this.maxDeadlines = maxDeadlines;
        this.dispatcher = dispatcher;
        this.forensics = forensics;
        this.answers = new AnswerCounters(registry, "v1");
        this.clock = clock;
    }

    void handle(RoutingContext ctx) {
        long receivedAtMs = clock.getAsLong();
        String app = ctx.pathParam("app");
        JsonBodyReader.requireJson(ctx);
        ObjectNode body = bodies.readObject(ctx.body().buffer(), "a 'features' object");
        JsonNode features = body.get("features");
        if (features == null || features.isNull()) {
            throw new ApiError(400, "the body has no 'features' object", "body.features");
        }
        if (!features.isObject()) {
            throw new ApiError(400, "'features' must be a JSON object of name to value, not " + features.getNodeType().name().toLowerCase(), "body.features");
        }
        signatures.checkFeatures(app, features);
        String requestId = CallerHeaders.requestId(ctx, body.get("id"));
        boolean explain = CallerHeaders.explain(ctx);
        DeadlineBudget budget = DeadlineBudget.of(CallerHeaders.requestedDeadlineMs(ctx), maxDeadlines.of(app));
        ScoringRequest request = new ScoringRequest(requestId, app, features, null,
                receivedAtMs, receivedAtMs + budget.ms(), dispatcher.replyTopic(), null, RequestIds.generateNonce());
        String traceparent = TraceParent.validOrNull(ctx.request().getHeader(TraceParent.HEADER));
        dispatcher.dispatch(ctx, request, traceparent, reply -> respond(ctx, request, budget, explain, reply));
    }

    private void respond(RoutingContext ctx, ScoringRequest request, DeadlineBudget budget, boolean explain, Reply reply) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("id", request.id());
        body.put("app", request.app());
        boolean timedOut = reply.outcome() == Outcome.TIMEOUT;
        if (!(reply instanceof Reply.Decided decided)) {
            body.put("outcome", Outcome.TIMEOUT.wireName());
            body.putNull("output");
            body.putNull("model");
            body.putNull("version");
            body.put("reason", "timeout");
            body.put("error", "no decision arrived within the deadline of " + request.budgetMs() + " ms");
            // Cheap (the registry in memory, the rule on an empty mailbox) and only on this path, so given with or without explain.
            TimeoutForensics.GatewayView view = forensics.view(request.app(), request.id(), request.budgetMs(), request.pinnedModel());
            body.set("late", JsonCodec.mapper().valueToTree(view.late()));
            if (explain) {
                body.putNull("candidates");
                putSplitVariant(body, view.splitVariant());
                body.put("explanation", view.explanation());
            }
        } else {
            Decision decision = decided.decision();
            body.put("outcome", decision.outcome().wireName());
            body.set("output", decision.output());
            body.put("model", decision.model());
            body.put("version", decision.version());
            body.put("reason", decision.reason());
            body.put("policyVersion", decision.policyVersion());
            body.set("late", JsonCodec.mapper().valueToTree(decision.late()));
            if (timedOut) {
                body.put("error", "no model answered within the deadline of " + request.budgetMs() + " ms and the policy has no fallback");
            }
            if (explain) {
                body.set("candidates", JsonCodec.mapper().valueToTree(decision.candidates()));
                putSplitVariant(body, decision.splitVariant());
            }
        }
        body.put("latencyMs", clock.getAsLong() - request.receivedAtMs());
        body.put("deadlineMs", budget.ms());
        if (budget.clamped()) {
            body.put("deadlineClamped", true);
            body.put("requestedDeadlineMs", budget.requestedMs());
        }
        answers.count(request.app(), reply.outcome().wireName());
        ScoringAdmission.answered(ctx, budget.ms(), reply);
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response()
                .setStatusCode(timedOut ? 504 : 200)
                .putHeader("Content-Type", "application/json")
                .putHeader(CallerHeaders.REQUEST_ID, request.id())
                .putHeader(CallerHeaders.DEADLINE_MS, Long.toString(budget.ms()))
                .end(Buffer.buffer(JsonCodec.encode(body)));
    }

    /** Explicitly null without a split: the caller asked, and "no split" is the answer. */
    private static void putSplitVariant(ObjectNode body, Integer splitVariant) {
        if (splitVariant == null) {
            body.putNull("splitVariant");
        } else {
            body.put("splitVariant", splitVariant);
        }
    }
}
