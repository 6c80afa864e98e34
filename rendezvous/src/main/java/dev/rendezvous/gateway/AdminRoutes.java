package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.policy.PolicyProblem;
import dev.rendezvous.policy.PolicyValidationException;
import dev.rendezvous.policy.PolicyWriter;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.registry.ControlPlane;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API under {@code /v1/admin}: read and replace an application's policy, list the model
 * registry. Every call needs {@code Authorization: Bearer <gateway.adminToken>}: 401 without it,
 * 403 with a wrong one; except archive reads (trace, SQL), which need the app's archive-reader token
 * instead ({@link ArchiveAccess}).
 */
final class AdminRoutes {
    private final Vertx vertx;
    private final ControlPlane control;
    private final Set<String> apps;
    private final byte[] token;
    private final String tokenId;

    AdminRoutes(Vertx vertx, ControlPlane control, Set<String> apps, String adminToken) {
        this.vertx = vertx;
        this.control = control;
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.token = adminToken.getBytes(StandardCharsets.UTF_8);
        this.tokenId = tokenId(token);
    }

    /**
     * {@code sha256:} and the first 12 hex digits of the token's SHA-256: names the token in the audit
     * trail (so a rotated token shows) without revealing it.
     */
    static String tokenId(byte[] token) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    void install(Router router) {
        router.route("/v1/admin/*").handler(this::authenticate);
        router.get("/v1/admin/policies/:app").handler(this::getPolicy);
        router.put("/v1/admin/policies/:app").handler(BodyHandler.create(false).setBodyLimit(256 * 1024)).handler(this::putPolicy);
        router.get("/v1/admin/models").handler(this::listModels);
    }

    private void authenticate(RoutingContext ctx) {
        if (ctx.get(ArchiveAccess.GRANTED) != null) {
            ctx.next(); // an archive read, authorised by that app's reader token (ArchiveAccess)
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"rendezvous-admin\"");
            throw new ApiError(401, "the admin API needs 'Authorization: Bearer <token>'", "header Authorization");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: the token must not leak through response timing.
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiError(403, "the bearer token is not valid for the admin API", "header Authorization");
        }
        ctx.next();
    }

    private String knownApp(RoutingContext ctx) {
        return knownApp(ctx, apps);
    }

    /** The path's {@code app}, when it is one of {@code apps}; else 404 naming the known ones. Shared by every admin route. */
    static String knownApp(RoutingContext ctx, Set<String> apps) {
        String app = ctx.pathParam("app");
        if (!apps.contains(app)) {
            throw new ApiError(404, "unknown app '" + app + "'; known apps: " + apps, "path app");
        }
        return app;
    }

    private void getPolicy(RoutingContext ctx) {
        String app = knownApp(ctx);
        Policy policy = control.policies().current(app)
                .orElseThrow(() -> new ApiError(404, "app '" + app + "' has no policy stored yet", "path app"));
        HttpResponses.json(ctx, 200, policyBody(policy));
    }

    private void putPolicy(RoutingContext ctx) {
        String app = knownApp(ctx);
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new ApiError(400, "the body is empty; expected a policy in YAML or JSON (see docs/rendezvous.md)", "body");
        }
        Set<ModelRef> registered = control.registry().registrations().stream()
                .filter(r -> r.app().equals(app)).map(ModelRegistration::ref).collect(Collectors.toSet());
        Policy policy;
        try {
            policy = registered.isEmpty() ? PolicyParser.parse(text, 0) : PolicyParser.parse(text, 0, registered);
        } catch (PolicyValidationException e) {
            ObjectNode body = JsonCodec.mapper().createObjectNode();
            body.put("error", "the policy is invalid; the one in force is unchanged");
            body.put("where", "body");
            body.put("status", 400);
            ArrayNode problems = body.putArray("problems");
            for (PolicyProblem problem : e.problems()) {
                problems.addObject().put("path", problem.path()).put("problem", problem.message());
            }
            HttpResponses.json(ctx, 400, body);
            return;
        }
        if (!policy.app().equals(app)) {
            throw new ApiError(400, "the policy is for app '" + policy.app() + "' but was sent to '" + app + "'", "body.app");
        }
        JsonNode canonical = PolicyWriter.toJson(policy);
        io.vertx.core.Context context = vertx.getOrCreateContext();
        io.vertx.core.net.SocketAddress peer = ctx.request().remoteAddress();
        String author = "admin-api token " + tokenId + (peer == null ? "" : " from " + peer.hostAddress());
        control.policyWriter().store(app, canonical, author).whenComplete((version, error) -> context.runOnContext(v -> {
            if (error != null) {
                HttpResponses.error(ctx, 503, "the policy could not be stored in Kafka: " + error.getMessage(), "kafka");
            } else {
                HttpResponses.json(ctx, 200, policyBody(policy.withVersion(version)));
            }
        }));
    }

    private void listModels(RoutingContext ctx) {
        long now = System.currentTimeMillis();
        ArrayNode models = JsonCodec.mapper().createArrayNode();
        for (ModelRegistration registration : control.registry().registrations()) {
            ObjectNode model = JsonCodec.mapper().valueToTree(registration);
            model.put("ref", registration.ref().toString());
            model.put("alive", control.registry().isAlive(registration.app(), registration.ref(), now));
            models.add(model);
        }
        HttpResponses.json(ctx, 200, Map.of("models", models));
    }

    private static ObjectNode policyBody(Policy policy) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("app", policy.app());
        body.put("version", policy.version());
        body.set("policy", PolicyWriter.toJson(policy));
        return body;
    }
}
