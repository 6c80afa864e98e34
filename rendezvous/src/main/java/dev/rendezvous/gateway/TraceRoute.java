package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.RequestIds;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/admin/trace/{app}/{requestId}}: the archived trace of one request, read through a
 * {@link TraceLookup} on a worker thread. Needs the app's archive-reader token: {@link ArchiveAccess}
 * checks it ahead of this route.
 */
final class TraceRoute {
    private final Vertx vertx;
    private final Set<String> apps;
    private final TraceLookup lookup;

    TraceRoute(Vertx vertx, Set<String> apps, TraceLookup lookup) {
        this.vertx = vertx;
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.lookup = lookup;
    }

    void install(Router router) {
        router.get("/v1/admin/trace/:app/:requestId").handler(this::trace);
    }

    private void trace(RoutingContext ctx) {
        String app = AdminRoutes.knownApp(ctx, apps);
        String requestId = ctx.pathParam("requestId");
        RequestIds.problemWith(requestId).ifPresent(problem -> {
            throw new ApiError(400, problem, "path requestId");
        });
        if (!lookup.configured()) {
            throw new ApiError(404, "no archive is configured for this gateway, so no trace can be found", "archive");
        }
        vertx.<Optional<JsonNode>>executeBlocking(() -> lookup.trace(app, requestId), false).onComplete(result -> {
            if (result.failed()) {
                HttpResponses.error(ctx, 503, "the archive could not be read: " + result.cause().getMessage(), "archive");
            } else if (result.result().isEmpty()) {
                HttpResponses.error(ctx, 404, "the archive holds no trace of request '" + requestId + "' of app '" + app + "'", "path requestId");
            } else {
                HttpResponses.json(ctx, 200, result.result().get());
            }
        });
    }
}
