package dev.rendezvous.gateway;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.protocol.TopicSpec;
import dev.rendezvous.registry.ControlPlane;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway: scoring ({@code POST /v1/score/{app}}), the Open Inference Protocol v2
 * ({@code /v2/...}), health ({@code /health/live}, {@code /health/ready}), Prometheus metrics
 * ({@code /metrics}) and the admin API ({@code /v1/admin/...}) on one Vert.x server.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final int REPLY_PARTITIONS = 1;
    // Readiness must flip within seconds when Kafka goes away, not after the provisioning timeout.
    private static final int READINESS_TIMEOUT_MS = 2_000;

    private final Vertx vertx;
    private final HttpServer server;
    private final KafkaProducer<String, byte[]> producer;
    private final ReplyListener replies;
    private final ReadinessProbe readiness;
    private final Admin admin;
    private final InflightLimiter limiter;
    private final MaxDeadlines maxDeadlines;
    private final GatewayConfig config;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ServedApps served;

    private GatewayServer(Vertx vertx, HttpServer server, KafkaProducer<String, byte[]> producer, ReplyListener replies,
                          ReadinessProbe readiness, Admin admin, InflightLimiter limiter, MaxDeadlines maxDeadlines, GatewayConfig config,
                          ServedApps served) {
        this.served = served;
        this.vertx = vertx;
        this.server = server;
        this.producer = producer;
        this.replies = replies;
        this.readiness = readiness;
        this.admin = admin;
        this.limiter = limiter;
        this.maxDeadlines = maxDeadlines;
        this.config = config;
    }

    /** Starts a gateway without an archive: {@code /v1/admin/trace} answers 404 "no archive configured". */
    public static GatewayServer start(KafkaSettings settings, GatewayConfig config, Collection<AppSettings> appList,
                                      ControlPlane control, PrometheusMeterRegistry registry) throws Exception {
        return start(settings, config, appList, control, registry, TraceLookup.NOT_CONFIGURED);
    }

    /** As below, without analytics: the {@code /ui/} dashboard says how to turn them on. */
    public static GatewayServer start(KafkaSettings settings, GatewayConfig config, Collection<AppSettings> appList,
                                      ControlPlane control, PrometheusMeterRegistry registry, TraceLookup traces) throws Exception {
        return start(settings, config, appList, control, registry, traces, AnalyticsFeed.NONE);
    }

    /**
     * Creates the reply topic, starts listening for replies, then serves HTTP; {@code traces} backs
     * {@code /v1/admin/trace}, {@code analytics} the {@code /ui/} dashboard.
     */
    public static GatewayServer start(KafkaSettings settings, GatewayConfig config, Collection<AppSettings> appList,
                                      ControlPlane control, PrometheusMeterRegistry registry, TraceLookup traces,
                                      AnalyticsFeed analytics) throws Exception {
        // Live: an app created while the gateway runs joins this map, and every route sees it (ServedApps).
        ServedApps served = new ServedApps(appList);
        Map<String, AppSettings> apps = served.byName();
        for (String app : config.apiKeys().keySet()) {
            if (!apps.containsKey(app)) {
                throw new IllegalArgumentException("gateway.apiKeys names app '" + app + "', which is not configured; known apps: " + apps.keySet());
            }
        }
        for (String app : config.archiveReaders().keySet()) {
            if (!apps.containsKey(app)) {
                throw new IllegalArgumentException("gateway.archiveReaders names app '" + app + "', which is not configured; known apps: " + apps.keySet());
            }
        }
        Admin admin = settings.newAdmin("gateway-" + config.instanceId());
        TopicProvisioner provisioner = new TopicProvisioner(admin, settings.replicationFactor(), 10_000);
        TopicSpec replyTopic = new TopicLayout(settings.topics(), settings.replicationFactor()).replyTopic(config.instanceId(), REPLY_PARTITIONS);
        provisioner.ensure(List.of(replyTopic));

        Map<String, Object> producerConfig = settings.producerConfig("gateway-" + config.instanceId());
        // send() runs on the event loops, so it must never wait: with max.block.ms 0 it throws at once instead of
        // waiting for metadata or buffer space (the broker gone, or overload), and the request gets its 503.
        // Kafka 4 clients forget every topic's metadata about 0.5 s after losing all brokers (docs/reliability.md);
        // an idle topic's metadata must not expire in between, or the next request would be refused.
        producerConfig.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        producerConfig.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(1)));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        List<String> required = new ArrayList<>(List.of(replyTopic.name()));
        for (AppSettings app : apps.values()) {
            required.add(settings.topics().requests(app.name()));
            awaitMetadata(producer, settings.topics().requests(app.name()));
        }
        KafkaAvailability kafka = new KafkaAvailability();

        // A decision that reaches the gateway after its request's deadline is a miss the caller sees (issue 14): counted per app.
        java.util.Map<String, io.micrometer.core.instrument.Counter> afterDeadline = new java.util.concurrent.ConcurrentHashMap<>();
        PendingReplies pending = new PendingReplies(System::currentTimeMillis, app -> afterDeadline
                .computeIfAbsent(app, a -> registry.counter("rdv.gateway.answers.after.deadline", "app", a)).increment());
        FunctionCounter.builder("rdv.gateway.replies.foreign", pending, PendingReplies::foreignDecisions)
                .description("decisions on this gateway's reply topic that named a waiting request but not its nonce: refused").register(registry);
        ReplyListener replies = new ReplyListener(settings, replyTopic.name(), REPLY_PARTITIONS, pending).start();
        ReadinessProbe readiness = new ReadinessProbe(new TopicProvisioner(admin, settings.replicationFactor(), READINESS_TIMEOUT_MS),
                required, replies::isRunning, kafka).start();
        MaxDeadlines maxDeadlines = new MaxDeadlines(apps, control.policies());
        // Windows and answer delays on a monotonic clock: a wall-clock step must not close or stretch a window.
        LongSupplier monotonicMs = () -> System.nanoTime() / 1_000_000;
        InflightLimiter limiter = new InflightLimiter(config.maxInflight(), config.maxInflightPerApp(),
                AdaptiveLimit.forApps(apps.keySet(), config.shedding(), config.maxInflightPerApp(), maxDeadlines::of, monotonicMs, registry));

        Vertx vertx = Vertx.vertx();
        EventLoopLag lag = new EventLoopLag(monotonicMs);
        registry.gauge("rdv.gateway.timeout.margin.ms", lag, l -> l.timeoutMarginMs(config.replyGraceMs()));
        RequestDispatcher dispatcher = new RequestDispatcher(vertx, settings.topics(), replyTopic.name(), producer, kafka, pending,
                config.replyGraceMs(), lag, System::currentTimeMillis);
        JsonBodyReader bodies = new JsonBodyReader(config.maxJsonDepth(), config.maxArrayLength());
        // --- apps created while running (POST /v1/admin/apps, or seen on the control plane): see ServedApps
        served.connect(new ServedApps.Intake() {
            @Override
            public void awaitMetadata(String app) throws InterruptedException {
                GatewayServer.awaitMetadata(producer, settings.topics().requests(app));
            }

            @Override
            public Map<String, AdaptiveLimit> adaptiveLimits(String app) {
                return AdaptiveLimit.forApps(java.util.Set.of(app), config.shedding(), config.maxInflightPerApp(), maxDeadlines::of, monotonicMs, registry);
            }
        }, limiter);
        // ---
        ScoringAdmission admission = new ScoringAdmission(apps.keySet(), new ApiKeys(config.apiKeys()), limiter, readiness::problems,
                kafka, registry, monotonicMs);
        BodyHandler bodyHandler = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        TimeoutForensics forensics = new TimeoutForensics(control.registry(), control.policies(), System::currentTimeMillis);
        AppModels models = new AppModels(control.registry(), control.policies(), System::currentTimeMillis);
        InputSignatures signatures = new InputSignatures(models, config::onInvalidInput, registry);
        ScoreRoute score = new ScoreRoute(bodies, signatures, maxDeadlines, dispatcher, forensics, registry, System::currentTimeMillis);
        registry.gauge("rdv.gateway.inflight", limiter, InflightLimiter::inflight);
        registry.gauge("rdv.gateway.pending", pending, PendingReplies::size);
        registry.gauge("rdv.gateway.kafka.available", kafka, KafkaAvailability::availableAsGauge);

        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> HttpResponses.json(ctx, 200, Map.of("status", "live")));
        router.get("/health/ready").handler(ctx -> {
            List<String> problems = readinessProblems(readiness, kafka, limiter, pending);
            HttpResponses.json(ctx, problems.isEmpty() ? 200 : 503,
                    problems.isEmpty() ? Map.of("status", "ready") : Map.of("status", "not-ready", "problems", problems));
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        // Issue 22: checks before the body, the body within gateway.bodyTimeoutMs, an in-flight slot only once it is in.
        List<Handler<RoutingContext>> readBody = List.of(new BodyTimeout(vertx, config.bodyTimeoutMs()), bodyHandler);
        admission.install(router, "/v1/score/:app", readBody, score::handle);
        OipInfer infer = new OipInfer(bodies, new TensorValidator(config.maxArrayLength()), models, signatures, maxDeadlines, dispatcher, forensics,
                registry, System::currentTimeMillis);
        new OipRoutes(apps.keySet(), models, infer, () -> readinessProblems(readiness, kafka, limiter, pending)).install(router, admission, readBody);
        new ArchiveAccess(apps.keySet(), config.archiveReaders(), config.adminToken()).install(router);
        new AdminRoutes(vertx, control, apps.keySet(), config.adminToken()).install(router);
        new AppCreationRoute(vertx, control, served, new TopicProvisioner(admin, settings.replicationFactor(), 30_000),
                new TopicLayout(settings.topics(), settings.replicationFactor()),
                "admin-api token " + AdminRoutes.tokenId(config.adminToken().getBytes(java.nio.charset.StandardCharsets.UTF_8)), bodies).install(router);
        new TraceRoute(vertx, apps.keySet(), traces).install(router);
        new ArchiveSqlRoute(vertx, apps.keySet(), traces, bodies).install(router);
        new ArchiveExportRoute(vertx, apps.keySet(), traces, bodies).install(router);
        new PolicyHistoryRoutes(vertx, apps.keySet(), control.policies(), traces).install(router);
        new DashboardRoutes(apps.keySet(), analytics).install(router);
        installErrorHandlers(router);

        HttpServer http = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(config.host())
                        .setPort(config.port())
                        .setTcpNoDelay(true)
                        // HTTP/2 clients (h2c upgrade) multiplex requests on one connection; the default
                        // limit of 100 streams made a burst of concurrent requests fail in the client.
                        .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(Math.max(100, config.maxInflight()))));
        HttpServer server = http.requestHandler(ProtocolErrors.guard(http, router))
                .listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("Gateway {} listening on http://{}:{} for apps {}", config.instanceId(), config.host(), server.actualPort(), apps.keySet());
        return new GatewayServer(vertx, server, producer, replies, readiness, admin, limiter, maxDeadlines, config, served);
    }

    /**
     * What both health routes ({@code /health/ready}, OIP {@code /v2/health/ready}) report. Admission
     * uses the probe's problems and Kafka's availability, not the undecided apps: refusing an app's
     * requests because nobody decides them would leave no decision to end the streak with.
     */
    /**
     * Fetches {@code topic}'s metadata before the first request (with max.block.ms 0 a send without it
     * is refused): each call asks for it and returns at once, so ask until it is there (30 s at most).
     */
    private static void awaitMetadata(KafkaProducer<String, byte[]> producer, String topic) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                producer.partitionsFor(topic);
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("no metadata for " + topic + " within 30 s: is Kafka reachable?", e);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }

    private static List<String> readinessProblems(ReadinessProbe readiness, KafkaAvailability kafka, InflightLimiter limiter,
                                                  PendingReplies pending) {
        List<String> undecided = pending.undecidedApps();
        Optional<String> kafkaProblem = kafka.problem();
        if (!limiter.isDraining() && undecided.isEmpty() && kafkaProblem.isEmpty()) {
            return readiness.problems();
        }
        List<String> problems = new ArrayList<>(readiness.problems());
        kafkaProblem.ifPresent(problems::add);
        if (limiter.isDraining()) {
            problems.add("the gateway is shutting down");
        }
        problems.addAll(undecided);
        return problems;
    }

    private static void installErrorHandlers(Router router) {
        router.route().failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (ctx.response().ended() || ctx.response().closed()) {
                // Answered already (a 408 for a slow body, whose connection then closed under the body handler), or the caller left.
                LOG.debug("failure after the response on {} {}: {}", ctx.request().method(), ctx.request().path(), String.valueOf(failure));
                return;
            }
            if (failure instanceof ApiError error) {
                HttpResponses.error(ctx, error.status(), error.getMessage(), error.where(), error.reason());
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
        ProtocolErrors.installRouterHandlers(router);
    }

    /**
     * Serves an app created while the gateway runs (its topics exist, its policy is stored): false if
     * it is served already. Blocks up to 30 s for the requests topic's metadata; not on an event loop.
     */
    public boolean addApp(AppSettings app) throws InterruptedException {
        return served.add(app);
    }

    /** The port the server listens on (useful when configured with port 0). */
    public int port() {
        return server.actualPort();
    }

    /**
     * Shuts down gracefully: new scoring requests get 503 at once, the ones in flight are answered
     * (or timed out) — waiting at most the longest deadline plus the reply grace plus
     * {@code gateway.shutdownGraceMs} — then the server, the reply listener and the producer (flushed)
     * close. Blocks; never call it on a Vert.x event loop.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        limiter.startDraining();
        long waitMs = maxDeadlines.longest() + config.replyGraceMs() + config.shutdownGraceMs();
        try {
            if (!limiter.awaitIdle(waitMs)) {
                LOG.warn("Gateway {} closes with {} requests still in flight after waiting {} ms", config.instanceId(), limiter.inflight(), waitMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not close cleanly: {}", e.toString());
        }
        readiness.close();
        replies.close();
        producer.flush();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.toString());
        }
    }
}
