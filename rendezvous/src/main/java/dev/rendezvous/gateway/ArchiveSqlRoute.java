package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/admin/archive/{app}/sql} with {@code {"sql": "SELECT …", "snapshot": id?, "limit": n?}}:
 * one read-only query over the app's archive through {@link TraceLookup#sql}, on a worker thread, at
 * most {@value #MAX_CONCURRENT} at once per gateway (a query can use every core for seconds; more get
 * 503 with Retry-After). Refused or failed queries get 400 naming the problem, an unknown snapshot 404.
 */
final class ArchiveSqlRoute {
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;
    static final int MAX_CONCURRENT = 2;
    private static final List<String> FIELDS = List.of("sql", "snapshot", "limit");

    private final Vertx vertx;
    private final Set<String> apps;
    private final TraceLookup archive;
    private final Semaphore running = new Semaphore(MAX_CONCURRENT);
    private final JsonBodyReader bodies;

    ArchiveSqlRoute(Vertx vertx, Set<String> apps, TraceLookup archive, JsonBodyReader bodies) {
        this.vertx = vertx;
        this.bodies = bodies;
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.archive = archive;
    }

    void install(Router router) {
        router.post("/v1/admin/archive/:app/sql").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::sql);
    }

    private void sql(RoutingContext ctx) {
        String app = AdminRoutes.knownApp(ctx, apps);
        Request request = parse(ctx);
        if (!archive.configured()) {
            throw new ApiError(404, "no archive is configured for this gateway, so there is nothing to query", "archive");
        }
        if (!running.tryAcquire()) {
            ctx.response().putHeader("Retry-After", "1");
            throw new ApiError(503, MAX_CONCURRENT + " archive queries are already running on this gateway; retry shortly", "archive");
        }
        vertx.<JsonNode>executeBlocking(() -> {
            try {
                return archive.sql(app, request.snapshot, request.sql, request.limit);
            } finally {
                running.release();
            }
        }, false).onComplete(result -> {
            if (result.succeeded()) {
                HttpResponses.json(ctx, 200, result.result());
            } else if (result.cause() instanceof NoSuchFileException) {
                HttpResponses.error(ctx, 404, "app '" + app + "' has no snapshot '" + request.snapshot + "'", "body.snapshot");
            } else if (result.cause() instanceof IllegalArgumentException refused) {
                String where = refused.getMessage() != null && refused.getMessage().startsWith("snapshot id") ? "body.snapshot" : "body.sql";
                HttpResponses.error(ctx, 400, refused.getMessage(), where);
            } else if (result.cause() instanceof IOException) {
                HttpResponses.error(ctx, 503, "the archive could not be read: " + result.cause().getMessage(), "archive");
            } else {
                ctx.fail(result.cause());
            }
        });
    }

    private record Request(String sql, String snapshot, int limit) {
    }

    private Request parse(RoutingContext ctx) {
        JsonNode body = bodies.readAdminObject(ctx, FIELDS, "a \"sql\" field (and optional \"snapshot\", \"limit\")");
        JsonNode sql = body.get("sql");
        if (sql == null || !sql.isTextual() || sql.asText().isBlank()) {
            throw new ApiError(400, "\"sql\" must be a non-empty string holding one SELECT query", "body.sql");
        }
        JsonNode snapshot = body.get("snapshot");
        if (snapshot != null && !snapshot.isNull() && !snapshot.isTextual()) {
            throw new ApiError(400, "\"snapshot\" must be a snapshot id (64 hex digits) or absent", "body.snapshot");
        }
        JsonNode limit = body.get("limit");
        int rows = DEFAULT_LIMIT;
        if (limit != null && !limit.isNull()) {
            if (!limit.canConvertToInt() || !limit.isIntegralNumber() || limit.asInt() < 1 || limit.asInt() > MAX_LIMIT) {
                throw new ApiError(400, "\"limit\" must be an integer from 1 to " + MAX_LIMIT, "body.limit");
            }
            rows = limit.asInt();
        }
        return new Request(sql.asText(), snapshot == null || snapshot.isNull() ? null : snapshot.asText(), rows);
    }
}
