package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.RequestIds;
import dev.rendezvous.protocol.ScoringRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code POST /v2/models/{app}[/versions/{v}]/infer}: validates an Open Inference Protocol request,
 * dispatches it as a {@link ScoringRequest} with {@code inputs} (pinned to the named version when
 * the path has one) and answers in the OIP response shape. Admission happened before. With
 * {@code ?explain=true} or {@code X-Explain: true} the response {@code parameters} also carry the
 * decision's candidates and split variant (OIP parameters are flat, see {@link OipResponses}).
 */
final class OipInfer {
    private final JsonBodyReader bodies;
    private final TensorValidator tensors;
    private final AppModels models;
    private final InputSignatures signatures;
    private final MaxDeadlines maxDeadlines;
    private final RequestDispatcher dispatcher;
    private final TimeoutForensics forensics;
    private final AnswerCounters answers;
    private final LongSupplier clock;

    OipInfer(JsonBodyReader bodies, TensorValidator tensors, AppModels models, InputSignatures signatures, MaxDeadlines maxDeadlines, RequestDispatcher dispatcher,
             TimeoutForensics forensics, MeterRegistry registry, LongSupplier clock) {
        this.bodies = bodies;
        this.tensors = tensors;
        this.models = models;
        this.signatures = signatures;
        this.maxDeadlines = maxDeadlines;
        this.dispatcher = dispatcher;
        this.forensics = forensics;
        this.answers = new AnswerCounters(registry, "oip");
        this.clock = clock;
    }

    void handle(RoutingContext ctx) {
        long receivedAtMs = clock.getAsLong();
        String app = ctx.pathParam("app");
        JsonBodyReader.requireJson(ctx);
        ObjectNode body = bodies.readObject(ctx.body().buffer(), "an 'inputs' array of tensors");
        OipInferRequest parsed = OipInferRequest.parse(body, tensors);
        String requestId = CallerHeaders.requestId(ctx, parsed.id());
        boolean explain = CallerHeaders.explain(ctx);
        String segment = ctx.pathParam("version");
        ModelRegistration pinned = segment == null ? null : pinnable(app, segment);
        requireKnownOutputs(pinned != null ? Optional.of(pinned) : models.served(app), parsed.outputs());
        signatures.checkTensors(app, pinned, parsed.inputs());
        DeadlineBudget budget = DeadlineBudget.of(DeadlineBudget.tighter(CallerHeaders.requestedDeadlineMs(ctx), parsed.timeoutMs()),
                maxDeadlines.of(app));
        ScoringRequest request = new ScoringRequest(requestId, app, null, parsed.inputs(), receivedAtMs, receivedAtMs + budget.ms(),
                dispatcher.replyTopic(), pinned == null ? null : pinned.ref().toString(), RequestIds.generateNonce());
        String traceparent = TraceParent.validOrNull(ctx.request().getHeader(TraceParent.HEADER));
        dispatcher.dispatch(ctx, request, traceparent, reply -> respond(ctx, request, budget, parsed.outputs(), explain, reply));
    }

    private ModelRegistration pinnable(String app, String segment) {
        ModelRegistration version = models.resolve(app, segment);
        if (!models.servable(version)) {
            throw new ApiError(409, "the policy in force for app '" + app + "' never serves " + version.ref() + " (role "
                    + version.role().name().toLowerCase(java.util.Locale.ROOT) + "); a request pinned to it could only fall back",
                    "path version");
        }
        return version;
    }

    /** When the model's signature is known, a requested output it does not produce is refused before anything is sent. */
    private static void requireKnownOutputs(Optional<ModelRegistration> model, List<String> requested) {
        if (requested.isEmpty() || model.isEmpty()) {
            return;
        }
        Optional<JsonNode> outputs = AppModels.signature(model.get(), "outputs");
        if (outputs.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>(Set.of("label"));
        outputs.get().forEach(output -> known.add(output.path("name").asText()));
        for (int i = 0; i < requested.size(); i++) {
            if (!known.contains(requested.get(i))) {
                throw new ApiError(400, "model " + model.get().ref() + " has no output '" + requested.get(i) + "'; it has " + known,
                        "body.outputs[" + i + "].name");
            }
        }
    }

    private void respond(RoutingContext ctx, ScoringRequest request, DeadlineBudget budget, List<String> outputs, boolean explain,
                         Reply reply) {
        TimeoutForensics.GatewayView view = reply instanceof Reply.Decided ? null
                : forensics.view(request.app(), request.id(), request.budgetMs(), request.pinnedModel());
        OipResponses.Answer answer = OipResponses.infer(request.app(), request.id(), reply, view, explain, budget,
                clock.getAsLong() - request.receivedAtMs(), outputs);
        answers.count(request.app(), reply.outcome().wireName());
        ScoringAdmission.answered(ctx, budget.ms(), reply);
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response()
                .setStatusCode(answer.status())
                .putHeader("Content-Type", "application/json")
                .putHeader(CallerHeaders.REQUEST_ID, request.id())
                .putHeader(CallerHeaders.DEADLINE_MS, Long.toString(budget.ms()))
                .end(Buffer.buffer(JsonCodec.encode(answer.body())));
    }
}
