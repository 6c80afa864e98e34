package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.registry.PolicyStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The control plane's history for the admin API: {@code GET /v1/admin/policies/{app}/versions} (every
 * version known, who stored it and when), {@code GET /v1/admin/policies/{app}/versions/{n}} (one
 * version's full text) and {@code GET /v1/admin/history/{app}} (policy versions and every model's role
 * changes). A version is looked up in what this gateway read from {@code rdv.policies} first, then in
 * the archive, which keeps what compaction removed. Installed after {@link AdminRoutes}, whose
 * bearer-token check covers every {@code /v1/admin} path. Archive reads run on a worker thread.
 */
final class PolicyHistoryRoutes {
    private final Vertx vertx;
    private final Set<String> apps;
    private final PolicyStore policies;
    private final TraceLookup archive;

    PolicyHistoryRoutes(Vertx vertx, Set<String> apps, PolicyStore policies, TraceLookup archive) {
        this.vertx = vertx;
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.policies = policies;
        this.archive = archive;
    }

    void install(Router router) {
        router.get("/v1/admin/policies/:app/versions").handler(this::listVersions);
        router.get("/v1/admin/policies/:app/versions/:version").handler(this::getVersion);
        router.get("/v1/admin/history/:app").handler(this::history);
    }

    private String knownApp(RoutingContext ctx) {
        return AdminRoutes.knownApp(ctx, apps);
    }

    private void getVersion(RoutingContext ctx) {
        String app = knownApp(ctx);
        long version = version(ctx.pathParam("version"));
        long inForce = policies.current(app).map(Policy::version).orElse(0L);
        Optional<PolicyStore.StoredVersion> read = policies.version(app, version);
        if (read.isPresent()) {
            ObjectNode body = versionBody(app, read.get().version(), read.get().updatedBy(), read.get().updatedAtMs(), "kafka", inForce);
            body.set("policy", read.get().policy());
            HttpResponses.json(ctx, 200, body);
            return;
        }
        if (!archive.configured()) {
            throw new ApiError(404, "policy version " + version + " of app '" + app + "' is not on rdv.policies (never stored, or compacted away) "
                    + "and no archive is configured to look in", "path version");
        }
        vertx.<Optional<JsonNode>>executeBlocking(() -> archive.policyVersion(app, version), false).onComplete(result -> {
            if (result.failed()) {
                HttpResponses.error(ctx, 503, "the archive could not be read: " + result.cause().getMessage(), "archive");
            } else if (result.result().isEmpty()) {
                HttpResponses.error(ctx, 404, "policy version " + version + " of app '" + app
                        + "' is neither on rdv.policies (never stored, or compacted away) nor in the archive", "path version");
            } else {
                JsonNode archived = result.result().get();
                ObjectNode body = versionBody(app, version, archived.path("updatedBy").asText(null), archived.path("updatedAtMs").asLong(),
                        "archive", inForce);
                body.put("archivedAt", archived.path("archivedAt").asText(null));
                body.set("policy", archived.get("policy"));
                HttpResponses.json(ctx, 200, body);
            }
        });
    }

    private void listVersions(RoutingContext ctx) {
        String app = knownApp(ctx);
        long inForce = policies.current(app).map(Policy::version).orElse(0L);
        vertx.<Optional<JsonNode>>executeBlocking(() -> archive.configured() ? archive.history(app) : Optional.<JsonNode>empty(), false)
                .onComplete(result -> {
                    TreeMap<Long, ObjectNode> merged = new TreeMap<>();
                    if (result.succeeded() && result.result().isPresent()) {
                        for (JsonNode archived : result.result().get().path("policies")) {
                            long version = archived.path("version").asLong();
                            merged.put(version, versionBody(app, version, archived.path("updatedBy").asText(null),
                                    archived.path("updatedAtMs").asLong(), "archive", inForce));
                        }
                    }
                    for (PolicyStore.StoredVersion read : policies.versions(app)) {
                        ObjectNode known = merged.get(read.version());
                        merged.put(read.version(), versionBody(app, read.version(), read.updatedBy(), read.updatedAtMs(),
                                known == null ? "kafka" : "kafka+archive", inForce));
                    }
                    ObjectNode body = JsonCodec.mapper().createObjectNode();
                    body.put("app", app);
                    body.put("inForce", inForce);
                    if (result.failed()) {
                        body.put("archive", "could not be read: " + result.cause().getMessage());
                    } else if (!archive.configured()) {
                        body.put("archive", "not configured: only versions still on rdv.policies are listed");
                    }
                    ArrayNode versions = body.putArray("versions");
                    merged.values().forEach(version -> {
                        version.remove("app");
                        version.remove("inForce");
                        versions.add(version);
                    });
                    HttpResponses.json(ctx, 200, body);
                });
    }

    private void history(RoutingContext ctx) {
        String app = knownApp(ctx);
        if (!archive.configured()) {
            throw new ApiError(404, "no archive is configured for this gateway; the control-plane history is kept in the archive", "archive");
        }
        vertx.<Optional<JsonNode>>executeBlocking(() -> archive.history(app), false).onComplete(result -> {
            if (result.failed()) {
                HttpResponses.error(ctx, 503, "the archive could not be read: " + result.cause().getMessage(), "archive");
            } else {
                HttpResponses.json(ctx, 200, result.result().orElseGet(() -> JsonCodec.mapper().createObjectNode().put("app", app)));
            }
        });
    }

    private static long version(String text) {
        long version;
        try {
            version = Long.parseLong(text);
        } catch (NumberFormatException e) {
            version = 0;
        }
        if (version < 1 || !text.equals(Long.toString(version))) {
            throw new ApiError(400, "policy version '" + text + "' is not a positive integer", "path version");
        }
        return version;
    }

    private static ObjectNode versionBody(String app, long version, String updatedBy, long updatedAtMs, String source, long inForce) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("app", app);
        body.put("version", version);
        body.put("inForce", version == inForce);
        body.put("updatedBy", updatedBy);
        body.put("updatedAtMs", updatedAtMs);
        body.put("source", source);
        return body;
    }
}
