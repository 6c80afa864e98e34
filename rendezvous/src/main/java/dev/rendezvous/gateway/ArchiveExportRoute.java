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
 * {@code POST /v1/admin/archive/{app}/export} with {@code {"snapshot": id or name, "format": "ndjson"|"parquet"}}:
 * the snapshot's inputs as {@code archive export} writes them, sent as the response body, with the
 * export manifest's evidence in headers ({@code X-Rdv-Export-Sha256} of the body, {@code X-Rdv-Export-Rows},
 * {@code X-Rdv-Snapshot}) so a reader can check what it got. Behind the app's archive-reader token
 * ({@link ArchiveAccess}), like trace and SQL; one export is written at a time per gateway (it reads
 * every segment of the snapshot), another asked for meanwhile gets 503 with Retry-After. The working
 * copy is deleted once sent.
 */
final class ArchiveExportRoute {
    private static final List<String> FIELDS = List.of("snapshot", "format");

    private final Vertx vertx;
    private final Set<String> apps;
    private final TraceLookup archive;
    private final Semaphore running = new Semaphore(1);
    private final JsonBodyReader bodies;

    ArchiveExportRoute(Vertx vertx, Set<String> apps, TraceLookup archive, JsonBodyReader bodies) {
        this.vertx = vertx;
        this.bodies = bodies;
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.archive = archive;
    }

    void install(Router router) {
        router.post("/v1/admin/archive/:app/export").handler(BodyHandler.create(false).setBodyLimit(4 * 1024)).handler(this::export);
    }

    private void export(RoutingContext ctx) {
        String app = AdminRoutes.knownApp(ctx, apps);
        Request request = parse(ctx);
        if (!archive.configured()) {
            throw new ApiError(404, "no archive is configured for this gateway, so there is nothing to export", "archive");
        }
        if (!running.tryAcquire()) {
            ctx.response().putHeader("Retry-After", "1");
            throw new ApiError(503, "an archive export is already running on this gateway; retry shortly", "archive");
        }
        vertx.<TraceLookup.ArchiveExport>executeBlocking(() -> archive.export(app, request.snapshot, request.format), false)
                .onComplete(result -> {
                    // The slot guards the expensive part, writing the export; sending the file is I/O.
                    running.release();
                    if (result.failed()) {
                        fail(ctx, app, request, result.cause());
                        return;
                    }
                    TraceLookup.ArchiveExport export = result.result();
                    JsonNode manifest = export.manifest();
                    ctx.response()
                            .putHeader("Content-Type", "parquet".equals(request.format) ? "application/vnd.apache.parquet" : "application/x-ndjson")
                            .putHeader("Content-Disposition", "attachment; filename=\"" + export.file().getFileName() + "\"")
                            .putHeader("X-Rdv-Snapshot", manifest.path("snapshotId").asText())
                            .putHeader("X-Rdv-Export-Sha256", manifest.path("sha256").asText())
                            .putHeader("X-Rdv-Export-Rows", Long.toString(manifest.path("rows").asLong()))
                            .sendFile(export.file().toString())
                            .onComplete(sent -> vertx.executeBlocking(() -> {
                                export.discard().run();
                                return null;
                            }, false));
                });
    }

    private static void fail(RoutingContext ctx, String app, Request request, Throwable cause) {
        if (cause instanceof NoSuchFileException) {
            HttpResponses.error(ctx, 404, "app '" + app + "' has no snapshot '" + request.snapshot + "'", "body.snapshot");
        } else if (cause instanceof IllegalArgumentException refused) {
            String message = refused.getMessage() == null ? "refused" : refused.getMessage();
            HttpResponses.error(ctx, 400, message, message.startsWith("export format") ? "body.format" : "body.snapshot");
        } else if (cause instanceof IOException) {
            HttpResponses.error(ctx, 503, "the archive could not be exported: " + cause.getMessage(), "archive");
        } else {
            ctx.fail(cause);
        }
    }

    private record Request(String snapshot, String format) {
    }

    private Request parse(RoutingContext ctx) {
        JsonNode body = bodies.readAdminObject(ctx, FIELDS, "a \"snapshot\" field (and optional \"format\")");
        JsonNode snapshot = body.get("snapshot");
        if (snapshot == null || !snapshot.isTextual() || snapshot.asText().isBlank()) {
            throw new ApiError(400, "\"snapshot\" must be a snapshot id (64 hex digits) or a snapshot name", "body.snapshot");
        }
        JsonNode format = body.get("format");
        if (format != null && !format.isNull() && !(format.isTextual() && Set.of("ndjson", "parquet").contains(format.asText()))) {
            throw new ApiError(400, "\"format\" must be \"ndjson\" (the default) or \"parquet\"", "body.format");
        }
        return new Request(snapshot.asText(), format == null || format.isNull() ? "ndjson" : format.asText());
    }
}
