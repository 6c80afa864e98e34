package dev.rendezvous.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The first handler of every scoring endpoint, run before the body is read: the app must exist, the
 * caller must present its API key, and the gateway must be ready and have room — otherwise the
 * request is refused at once (404, 401/403, 503 with {@code Retry-After}). An admitted request
 * holds an in-flight slot until its response ends, whatever the outcome.
 */
final class ScoringAdmission implements Handler<RoutingContext> {
    static final String RETRY_AFTER_SECONDS = "1";

    private final Set<String> apps;
    private final ApiKeys apiKeys;
    private final InflightLimiter limiter;
    private final Supplier<List<String>> readinessProblems;

    ScoringAdmission(Set<String> apps, ApiKeys apiKeys, InflightLimiter limiter, Supplier<List<String>> readinessProblems) {
        this.apps = Set.copyOf(apps);
        this.apiKeys = apiKeys;
        this.limiter = limiter;
        this.readinessProblems = readinessProblems;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String app = ctx.pathParam("app");
        if (!apps.contains(app)) {
            throw new ApiError(404, "unknown app '" + app + "'; known apps: " + apps, "path app");
        }
        apiKeys.check(app, ctx.request().getHeader(ApiKeys.HEADER), ctx.request().getHeader("Authorization"));
        List<String> problems = readinessProblems.get();
        if (!problems.isEmpty()) {
            throw unavailable(ctx, "the gateway is not ready: " + String.join("; ", problems));
        }
        switch (limiter.tryAcquire(app)) {
            case ADMITTED -> {
                ctx.addEndHandler(ended -> limiter.release(app));
                ctx.next();
            }
            case DRAINING -> throw unavailable(ctx, "the gateway is shutting down; retry on another instance");
            case GATEWAY_FULL -> throw unavailable(ctx, "the gateway has as many requests in flight as it accepts; retry shortly");
            case APP_FULL -> throw unavailable(ctx, "app '" + app + "' has as many requests in flight as it accepts; retry shortly");
        }
    }

    static ApiError unavailable(RoutingContext ctx, String message) {
        return unavailable(ctx, message, "gateway");
    }

    /** A 503 that tells the caller when to retry. */
    static ApiError unavailable(RoutingContext ctx, String message, String where) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
        return new ApiError(503, message, where);
    }
}
