package dev.rendezvous.gateway;

import dev.rendezvous.policy.DecisionReason;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission of every scoring endpoint, in two steps. {@link #handle} runs before the body is read:
 * the app must exist, the caller must present its API key, the gateway must be ready and Kafka
 * available (as the gateway's own sends tell it, see {@link KafkaAvailability}) — otherwise the
 * request is refused at once (404, 401/403, 503 with {@code Retry-After}) and never read.
 * {@link #acquireSlot} runs once the whole body has arrived: the gateway and the app must have room
 * (503 naming the limit otherwise). Only then does a request hold an in-flight slot, until its
 * response ends, whatever the outcome — a body that trickles in holds none (see {@link BodyTimeout});
 * when it was answered (a decision or a timeout), its answer delay feeds the app's {@link AdaptiveLimit}.
 * Every 503 carries a {@code reason}: {@code not-ready}, {@code kafka}, {@code draining},
 * {@code gateway-full}, {@code app-full} or {@code latency}, as in {@code rdv.gateway.shed}.
 */
final class ScoringAdmission implements Handler<RoutingContext> {
    static final String RETRY_AFTER_SECONDS = "1";
    private static final String POLICY_WAIT_MS = "rdv.policyWaitMs";
    private static final String DEADLINE_BEST = DecisionReason.DEADLINE_BEST.wireName();
    private static final String NOT_READY = "not-ready";
    private static final String KAFKA_UNAVAILABLE = "kafka";

    private final Set<String> apps;
    private final ApiKeys apiKeys;
    private final InflightLimiter limiter;
    private final Supplier<List<String>> readinessProblems;
    private final KafkaAvailability kafka;
    private final LongSupplier clockMs;
    /** By app, then reason: refusals are the hot path under overload, so no key is built per refusal. */
    private final Map<String, Map<String, Counter>> shed = new java.util.concurrent.ConcurrentHashMap<>();
    private final MeterRegistry registry;

    /**
     * @param registry counts refused requests as {@code rdv.gateway.shed{app, reason}}
     * @param clockMs  a monotonic millisecond clock, the one the adaptive limits use
     */
    ScoringAdmission(Set<String> apps, ApiKeys apiKeys, InflightLimiter limiter, Supplier<List<String>> readinessProblems,
                     KafkaAvailability kafka, MeterRegistry registry, LongSupplier clockMs) {
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.registry = registry;
        this.apiKeys = apiKeys;
        this.limiter = limiter;
        this.readinessProblems = readinessProblems;
        this.kafka = kafka;
        this.clockMs = clockMs;
        this.apps.forEach(this::countersOf);
    }

    /** The app's shed counters, registered on first use (an app may be created while the gateway runs). */
    private Map<String, Counter> countersOf(String app) {
        return shed.computeIfAbsent(app, a -> {
            Map<String, Counter> counters = new HashMap<>();
            for (String reason : List.of(NOT_READY, KAFKA_UNAVAILABLE, reason(InflightLimiter.Admission.DRAINING), reason(InflightLimiter.Admission.GATEWAY_FULL),
                    reason(InflightLimiter.Admission.APP_FULL), reason(InflightLimiter.Admission.APP_OVER_LATENCY_TARGET))) {
                counters.put(reason, Counter.builder("rdv.gateway.shed").description("scoring requests refused at admission with 503")
                        .tags("app", app, "reason", reason).register(registry));
            }
            return counters;
        });
    }

    @Override
    public void handle(RoutingContext ctx) {
        String app = ctx.pathParam("app");
        if (!apps.contains(app)) {
            throw new ApiError(404, "unknown app '" + app + "'; known apps: " + apps, "path app");
        }
        apiKeys.check(app, ctx.request().getHeader(ApiKeys.HEADER), ctx.request().getHeader("Authorization"));
        // Kafka first: the sends see an outage within a fraction of a second, the readiness check only every 2 s; one message throughout.
        Optional<String> kafkaProblem = kafka.problem();
        if (kafkaProblem.isPresent()) {
            countersOf(app).get(KAFKA_UNAVAILABLE).increment();
            throw unavailable(ctx, kafkaProblem.get() + "; retry shortly", "kafka", KAFKA_UNAVAILABLE);
        }
        List<String> problems = readinessProblems.get();
        if (!problems.isEmpty()) {
            countersOf(app).get(NOT_READY).increment();
            throw unavailable(ctx, "the gateway is not ready: " + String.join("; ", problems), "gateway", NOT_READY);
        }
        ctx.next();
    }

    /** The second step, after the body arrived: takes an in-flight slot, or refuses with 503 naming the limit reached. */
    void acquireSlot(RoutingContext ctx) {
        String app = ctx.pathParam("app");
        InflightLimiter.Admission verdict = limiter.tryAcquire(app);
        if (verdict == InflightLimiter.Admission.ADMITTED) {
            long admittedAtMs = clockMs.getAsLong();
            ctx.addEndHandler(ended -> {
                Long policyWaitMs = ctx.get(POLICY_WAIT_MS);
                if (policyWaitMs == null) {
                    limiter.release(app);
                } else {
                    limiter.releaseAnswered(app, Math.max(0, clockMs.getAsLong() - admittedAtMs - policyWaitMs));
                }
            });
            ctx.next();
            return;
        }
        countersOf(app).get(reason(verdict)).increment();
        throw unavailable(ctx, switch (verdict) {
            case DRAINING -> "the gateway is shutting down; retry on another instance";
            case GATEWAY_FULL -> "the gateway has " + limiter.maxTotal() + " requests in flight, all apps together, its limit "
                    + "(gateway.maxInflight); retry shortly";
            case APP_FULL -> "app '" + app + "' has " + limiter.maxPerApp() + " requests in flight, its static limit "
                    + "(gateway.maxInflightPerApp); retry shortly";
            case APP_OVER_LATENCY_TARGET -> overLatencyTarget(app, limiter.adaptiveLimit(app));
            case ADMITTED -> throw new IllegalStateException("admitted");
        }, "gateway", reason(verdict));
    }

    /**
     * Serves POST {@code path}: this admission's checks on a route of their own, ahead of the one that
     * reads the body, so that a refused request is never read; then {@code readBody} (its time limit
     * and the body handler), an in-flight slot, and {@code handler}.
     */
    void install(Router router, String path, List<Handler<RoutingContext>> readBody, Handler<RoutingContext> handler) {
        router.post(path).handler(this);
        Route route = router.post(path);
        readBody.forEach(route::handler);
        route.handler(this::acquireSlot).handler(handler);
    }

    /**
     * Marks the request answered (called by the route as it writes a decision or a timeout), so that
     * its answer delay counts: the time from admission to the end of the response, less what its policy
     * asked it to wait (see {@link #policyWaitMs}).
     */
    static void answered(RoutingContext ctx, long budgetMs, Reply reply) {
        ctx.put(POLICY_WAIT_MS, policyWaitMs(budgetMs, reply));
    }

    /**
     * How much of an answer's latency its policy asked for. A decision its deadline rule made at the
     * deadline (fallback, timeout, deadline-best), and the gateway's own timeout, waited the whole
     * budget on purpose: only the time past the deadline tells of a queue. Otherwise the policy decided
     * as soon as it could, and all of the latency counts. (Without this, a platform whose models are down
     * would answer every request with its fallback at the deadline, look slow, and be shed.)
     */
    static long policyWaitMs(long budgetMs, Reply reply) {
        if (!(reply instanceof Reply.Decided decided)) {
            return budgetMs;
        }
        Decision decision = decided.decision();
        boolean deadlineRule = decision.outcome() != Outcome.MODEL || DEADLINE_BEST.equals(decision.reason());
        return deadlineRule && decision.decidedAtMs() >= decision.deadlineAtMs() ? budgetMs : 0;
    }

    private static String overLatencyTarget(String app, AdaptiveLimit limit) {
        long quickestMs = limit.lastWindowMinMs();
        long targetMs = limit.lastTargetMs();
        if (quickestMs > targetMs) {
            return "app '" + app + "' is over its latency target (min " + quickestMs + " ms > " + targetMs + " ms in its last "
                    + limit.windowMs() + " ms window; limit now " + limit.limit() + " in flight); retry shortly";
        }
        return "app '" + app + "' is at its adaptive limit of " + limit.limit() + " requests in flight, lowered when its answers missed the "
                + targetMs + " ms latency target and rising again; retry shortly";
    }

    private static String reason(InflightLimiter.Admission verdict) {
        return switch (verdict) {
            case DRAINING -> "draining";
            case GATEWAY_FULL -> "gateway-full";
            case APP_FULL -> "app-full";
            case APP_OVER_LATENCY_TARGET -> "latency";
            case ADMITTED -> "admitted";
        };
    }

    /** A 503 that tells the caller when to retry; {@code reason} names what refused it (see the class comment). */
    static ApiError unavailable(RoutingContext ctx, String message, String where, String reason) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
        return new ApiError(503, message, where, reason);
    }
}
