package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.policy.PolicyWriter;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.protocol.TopicSpec;
import dev.rendezvous.registry.ControlPlane;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/admin/apps}: creates an application while the platform runs. It creates the app's
 * topics (the platform's {@link TopicLayout}), seeds its policy in {@code rdv.policies} and serves
 * it here; every other service learns of it from that policy (an app exists once it has one) and
 * takes it up without a restart. 201 when done, 409 when the app exists, 400 naming a bad field.
 * Behind the admin token ({@link AdminRoutes} installs the check on {@code /v1/admin/*}).
 */
final class AppCreationRoute {
    private static final Logger LOG = LoggerFactory.getLogger(AppCreationRoute.class);
    private static final long POLICY_IN_FORCE_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final ControlPlane control;
    private final ServedApps served;
    private final TopicProvisioner provisioner;
    private final TopicLayout layout;
    private final String author;
    private final JsonBodyReader bodies;
    /** Names being created right now: a second request for one gets its 409 before the first is done. */
    private final Set<String> creating = ConcurrentHashMap.newKeySet();

    /** @param author who the stored policy says wrote it (the admin token's id) */
    AppCreationRoute(Vertx vertx, ControlPlane control, ServedApps served, TopicProvisioner provisioner, TopicLayout layout, String author,
                     JsonBodyReader bodies) {
        this.bodies = bodies;
        this.vertx = vertx;
        this.control = control;
        this.served = served;
        this.provisioner = provisioner;
        this.layout = layout;
        this.author = author;
    }

    void install(Router router) {
        router.post("/v1/admin/apps").handler(BodyHandler.create(false).setBodyLimit(256 * 1024)).handler(this::create);
    }

    private void create(RoutingContext ctx) {
        NewApp app = NewApp.parse(bodies.readAdminObject(ctx, NewApp.FIELDS, "name, partitions, retentionMs and policy"));
        if (exists(app.name()) || !creating.add(app.name())) {
            throw conflict(app.name());
        }
        io.vertx.core.net.SocketAddress peer = ctx.request().remoteAddress();
        String storedBy = author + (peer == null ? "" : " from " + peer.hostAddress());
        vertx.<ObjectNode>executeBlocking(() -> {
            try {
                return provision(app, storedBy);
            } finally {
                creating.remove(app.name());
            }
        }, false).onComplete(result -> {
            if (result.succeeded()) {
                ctx.response().putHeader("Location", "/v1/admin/policies/" + app.name());
                HttpResponses.json(ctx, 201, result.result());
            } else if (result.cause() instanceof ApiError error) {
                HttpResponses.error(ctx, error.status(), error.getMessage(), error.where());
            } else {
                LOG.warn("app {} could not be created: {}", app.name(), result.cause().toString());
                HttpResponses.error(ctx, 503, "app '" + app.name() + "' could not be created (nothing is served yet; retry): "
                        + result.cause().getMessage(), "kafka");
            }
        });
    }

    private boolean exists(String app) {
        return served.contains(app) || control.policies().current(app).isPresent();
    }

    private static ApiError conflict(String app) {
        return new ApiError(409, "app '" + app + "' exists already; change its policy with PUT /v1/admin/policies/" + app, "body.name");
    }

    /** Topics, then the policy, then serving here: each step is safe to repeat, so a failed creation can be retried. */
    private ObjectNode provision(NewApp app, String storedBy) throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicSpec> topics = layout.appTopics(app.name(), app.partitions(), app.retentionMs());
        provisioner.ensure(topics);
        if (exists(app.name())) {
            throw conflict(app.name()); // created meanwhile by another gateway
        }
        long version = control.policyWriter().store(app.name(), PolicyWriter.toJson(app.policy()), storedBy).get(30, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLICY_IN_FORCE_TIMEOUT_MS);
        while (control.policies().current(app.name()).isEmpty() && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        served.add(new AppSettings(app.name(), app.partitions(), app.policy().deadlineMs()));
        LOG.info("created app {} ({} partitions, retention {} ms), policy version {} stored by {}", app.name(), app.partitions(),
                app.retentionMs(), version, storedBy);
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("app", app.name());
        body.put("partitions", app.partitions());
        body.put("retentionMs", app.retentionMs());
        topics.forEach(topic -> body.withArray("topics").add(topic.name()));
        body.put("policyVersion", version);
        body.set("policy", PolicyWriter.toJson(app.policy()));
        return body;
    }
}
