package dev.rendezvous.bench.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.onnx.OnnxModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.RequestIds;
import dev.rendezvous.protocol.ScoringRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor of the comparison: the same ONNX model and scorer the runner uses, called in-process behind
 * a Vert.x HTTP server configured like the gateway's, answering {@code POST /v1/score/{app}} with the
 * gateway's JSON shape — everything the rendezvous path does except Kafka.
 */
public final class DirectPathServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final OnnxModel model;

    private DirectPathServer(Vertx vertx, HttpServer server, OnnxModel model) {
        this.vertx = vertx;
        this.server = server;
        this.model = model;
    }

    /** Loads the model of {@code manifest} and serves it on {@code port} (0: any free port) of 127.0.0.1. */
    public static DirectPathServer start(ModelManifest manifest, int port, long deadlineMs) throws Exception {
        OnnxModel model = OnnxModel.load(manifest);
        BatchScorer scorer = new BatchScorer(manifest, model, FailureInjector.NONE, Clock.systemUTC());
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.post("/v1/score/:app")
                .handler(BodyHandler.create(false).setBodyLimit(1_048_576))
                .handler(ctx -> score(ctx, manifest, scorer, deadlineMs));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
                .requestHandler(router)
                .listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new DirectPathServer(vertx, server, model);
    }

    /**
     * Scores on the event loop: one row takes ~10 µs of CPU and no I/O, well inside what an event
     * loop may do, and a hop to a worker thread would add its own latency to what is meant as the floor.
     */
    private static void score(RoutingContext ctx, ModelManifest manifest, BatchScorer scorer, long deadlineMs) {
        long receivedAtMs = System.currentTimeMillis();
        JsonNode body;
        try {
            body = JsonCodec.mapper().readTree(ctx.body().buffer().getBytes());
        } catch (Exception e) {
            ctx.response().setStatusCode(400).end("the body is not JSON: " + e.getMessage());
            return;
        }
        if (body == null || !body.path("features").isObject()) {
            ctx.response().setStatusCode(400).end("the body has no 'features' object");
            return;
        }
        String id = body.path("id").isTextual() ? body.get("id").asText() : RequestIds.generate();
        ScoringRequest request = new ScoringRequest(id, ctx.pathParam("app"), body.get("features"), null,
                receivedAtMs, receivedAtMs + deadlineMs, null, null);
        ModelScore score = scorer.score(List.of(request)).scores().get(0);
        ObjectNode answer = JsonCodec.mapper().createObjectNode();
        answer.put("id", id);
        answer.put("app", request.app());
        answer.put("outcome", score.failed() ? "fallback" : "model");
        answer.set("output", score.output());
        answer.put("model", manifest.name());
        answer.put("version", manifest.version());
        answer.put("reason", score.failed() ? score.error().code() : "direct");
        answer.put("latencyMs", System.currentTimeMillis() - receivedAtMs);
        answer.put("deadlineMs", deadlineMs);
        ctx.response().setStatusCode(score.failed() ? 500 : 200)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(JsonCodec.encode(answer)));
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        model.close();
    }
}
