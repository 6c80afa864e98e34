package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Open Inference Protocol v2 REST endpoints: {@code /v2/health/live}, {@code /v2/health/ready},
 * server metadata {@code /v2}, and per app ("model") {@code /v2/models/{app}[/versions/{v}]} with
 * {@code /ready} and {@code /infer}. Health answers 200 for true and 400 for false, as the
 * specification asks, with a small JSON body saying why.
 */
final class OipRoutes {
    static final String SERVER_NAME = "rendezvous";
    private static final String MODEL = "/v2/models/:app";
    private static final String VERSION = "/v2/models/:app/versions/:version";

    private final Set<String> apps;
    private final AppModels models;
    private final OipInfer infer;
    private final Supplier<List<String>> readinessProblems;

    OipRoutes(Set<String> apps, AppModels models, OipInfer infer, Supplier<List<String>> readinessProblems) {
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.models = models;
        this.infer = infer;
        this.readinessProblems = readinessProblems;
    }

    void install(Router router, ScoringAdmission admission, List<Handler<RoutingContext>> readBody) {
        router.get("/v2/health/live").handler(ctx -> HttpResponses.json(ctx, 200, Map.of("live", true)));
        router.get("/v2/health/ready").handler(this::serverReady);
        router.get("/v2").handler(ctx -> HttpResponses.json(ctx, 200, serverMetadata()));
        router.get(MODEL).handler(this::modelMetadata);
        router.get(VERSION).handler(this::modelMetadata);
        router.get(MODEL + "/ready").handler(this::modelReady);
        router.get(VERSION + "/ready").handler(this::modelReady);
        for (String path : List.of(MODEL + "/infer", VERSION + "/infer")) {
            admission.install(router, path, readBody, infer::handle);
        }
    }

    static ObjectNode serverMetadata() {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("name", SERVER_NAME);
        String version = OipRoutes.class.getPackage().getImplementationVersion();
        body.put("version", version == null ? "development" : version);
        body.putArray("extensions");
        return body;
    }

    private void serverReady(RoutingContext ctx) {
        List<String> problems = readinessProblems.get();
        if (problems.isEmpty()) {
            HttpResponses.json(ctx, 200, Map.of("ready", true));
        } else {
            HttpResponses.json(ctx, 400, Map.of("ready", false, "error", String.join("; ", problems)));
        }
    }

    private void modelReady(RoutingContext ctx) {
        String app = knownApp(ctx);
        String segment = ctx.pathParam("version");
        List<String> problems = readinessProblems.get();
        String why;
        if (!problems.isEmpty()) {
            why = String.join("; ", problems);
        } else if (segment != null) {
            ModelRegistration version = models.resolve(app, segment);
            why = !models.alive(version) ? version.ref() + " has no running runner"
                    : !models.servable(version) ? "the policy in force never serves " + version.ref() : null;
        } else {
            boolean anyServable = models.versions(app).stream().anyMatch(v -> models.alive(v) && models.servable(v));
            why = anyServable ? null : "no model version of app '" + app + "' that the policy serves has a running runner";
        }
        if (why == null) {
            HttpResponses.json(ctx, 200, Map.of("name", app, "ready", true));
        } else {
            HttpResponses.json(ctx, 400, Map.of("name", app, "ready", false, "error", why));
        }
    }

    private void modelMetadata(RoutingContext ctx) {
        String app = knownApp(ctx);
        String segment = ctx.pathParam("version");
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("name", app);
        ArrayNode versions = body.putArray("versions");
        Optional<ModelRegistration> described;
        if (segment != null) {
            ModelRegistration version = models.resolve(app, segment);
            versions.add(version.ref().toString());
            described = Optional.of(version);
        } else {
            models.versions(app).forEach(v -> versions.add(v.ref().toString()));
            described = models.served(app);
        }
        body.put("platform", described.map(v -> platform(v.runtime())).orElse(SERVER_NAME));
        body.set("inputs", described.flatMap(v -> AppModels.signature(v, "inputs")).orElse(JsonCodec.mapper().createArrayNode()));
        body.set("outputs", described.flatMap(v -> AppModels.signature(v, "outputs")).orElse(JsonCodec.mapper().createArrayNode()));
        HttpResponses.json(ctx, 200, body);
    }

    /** OIP platform names follow Triton's {@code <backend>_<format>}. */
    static String platform(String runtime) {
        if (runtime == null) {
            return SERVER_NAME;
        }
        return switch (runtime) {
            case "onnx" -> "onnxruntime_onnx";
            default -> runtime;
        };
    }

    private String knownApp(RoutingContext ctx) {
        String app = ctx.pathParam("app");
        if (!apps.contains(app)) {
            throw new ApiError(404, "unknown model '" + app + "'; the models here are the apps " + apps, "path app");
        }
        return app;
    }
}
