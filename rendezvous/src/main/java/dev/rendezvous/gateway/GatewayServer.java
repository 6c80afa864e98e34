package dev.rendezvous.gateway;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.protocol.TopicSpec;
import dev.rendezvous.registry.ControlPlane;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway: scoring ({@code POST /v1/score/{app}}), health ({@code /health/live},
 * {@code /health/ready}), Prometheus metrics ({@code /metrics}) and the admin API
 * ({@code /v1/admin/...}) on one Vert.x server.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final int REPLY_PARTITIONS = 1;

    private final Vertx vertx;
    private final HttpServer server;
    private final KafkaProducer<String, byte[]> producer;
    private final ReplyListener replies;
    private final ReadinessProbe readiness;
    private final Admin admin;

    private GatewayServer(Vertx vertx, HttpServer server, KafkaProducer<String, byte[]> producer, ReplyListener replies,
                          ReadinessProbe readiness, Admin admin) {
        this.vertx = vertx;
        this.server = server;
        this.producer = producer;
        this.replies = replies;
        this.readiness = readiness;
        this.admin = admin;
    }

    /** Creates the reply topic, starts listening for replies, then serves HTTP. */
    public static GatewayServer start(KafkaSettings settings, GatewayConfig config, Collection<AppSettings> appList,
                                      ControlPlane control, PrometheusMeterRegistry registry) throws Exception {
        Map<String, AppSettings> apps = new LinkedHashMap<>();
        appList.forEach(app -> apps.put(app.name(), app));
        Admin admin = settings.newAdmin("gateway-" + config.instanceId());
        TopicProvisioner provisioner = new TopicProvisioner(admin, settings.replicationFactor(), 10_000);
        TopicSpec replyTopic = new TopicLayout(settings.topics(), settings.replicationFactor()).replyTopic(config.instanceId(), REPLY_PARTITIONS);
        provisioner.ensure(List.of(replyTopic));

        Map<String, Object> producerConfig = settings.producerConfig("gateway-" + config.instanceId());
        // send() must not stall the event loop for long when Kafka is away: fail fast, answer 503.
        producerConfig.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        List<String> required = new ArrayList<>(List.of(replyTopic.name()));
        for (AppSettings app : apps.values()) {
            required.add(settings.topics().requests(app.name()));
            producer.partitionsFor(settings.topics().requests(app.name()));
        }

        PendingReplies pending = new PendingReplies();
        ReplyListener replies = new ReplyListener(settings, replyTopic.name(), REPLY_PARTITIONS, pending).start();
        ReadinessProbe readiness = new ReadinessProbe(provisioner, required, replies::isRunning).start();

        Vertx vertx = Vertx.vertx();
        ScoreRoute score = new ScoreRoute(vertx, apps, control.policies(), settings.topics(), replyTopic.name(), producer, pending, config,
                registry, System::currentTimeMillis);
        registry.gauge("rdv.gateway.inflight", pending, PendingReplies::size);
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> HttpResponses.json(ctx, 200, Map.of("status", "live")));
        router.get("/health/ready").handler(ctx -> {
            List<String> problems = readiness.problems();
            HttpResponses.json(ctx, problems.isEmpty() ? 200 : 503,
                    problems.isEmpty() ? Map.of("status", "ready") : Map.of("status", "not-ready", "problems", problems));
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        router.post("/v1/score/:app")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(score::handle);
        new AdminRoutes(vertx, control, apps.keySet(), config.adminToken()).install(router);
        installErrorHandlers(router);

        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(config.host())
                        .setPort(config.port())
                        .setTcpNoDelay(true))
                .requestHandler(router)
                .listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("Gateway {} listening on http://{}:{} for apps {}", config.instanceId(), config.host(), server.actualPort(), apps.keySet());
        return new GatewayServer(vertx, server, producer, replies, readiness, admin);
    }

    private static void installErrorHandlers(Router router) {
        router.route().failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (failure instanceof ApiError error) {
                HttpResponses.error(ctx, error.status(), error.getMessage(), error.where());
            } else if (ctx.statusCode() == 413) {
                HttpResponses.error(ctx, 413, "the body is larger than the gateway accepts", "body");
            } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
                HttpResponses.error(ctx, ctx.statusCode(), "the request was rejected (" + ctx.statusCode() + ")", null);
            } else {
                LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
                HttpResponses.error(ctx, 500, "internal error: " + (failure == null ? "unknown" : failure.toString()), null);
            }
        });
        router.errorHandler(404, ctx -> HttpResponses.error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(), "path"));
        router.errorHandler(405, ctx -> HttpResponses.error(ctx, 405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path(), "method"));
    }

    /** The port the server listens on (useful when configured with port 0). */
    public int port() {
        return server.actualPort();
    }

    /** Stops accepting connections, then stops the reply listener and flushes the producer. */
    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not close cleanly: {}", e.toString());
        }
        readiness.close();
        replies.close();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.toString());
        }
    }
}
