package dev.rendezvous.gateway;

import dev.rendezvous.protocol.ModelAnalytics;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The live dashboard: {@code GET /ui/} (a static page and its script and style, from the jar — no
 * CDN), {@code GET /ui/api/apps} and {@code GET /ui/api/analytics/{app}} (the app's newest window per
 * size, with every model's figures, and each model's drift, agreement and latency over the retained
 * windows). The page polls the latter every two seconds.
 */
final class DashboardRoutes {
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final Set<String> apps;
    private final AnalyticsFeed feed;
    private final Map<String, Buffer> assets = new TreeMap<>();

    DashboardRoutes(Set<String> apps, AnalyticsFeed feed) {
        // A live view: an app created while the gateway runs is known here at once (it has no figures until analytics restarts).
        this.apps = java.util.Collections.unmodifiableSet(apps);
        this.feed = feed;
        ASSETS.keySet().forEach(name -> assets.put(name, Buffer.buffer(read(name))));
    }

    void install(Router router) {
        // Vert.x matches "/ui" and "/ui/" with one route; the page's relative links want the slash.
        router.get("/ui/").handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                asset(ctx, "index.html");
            } else {
                ctx.response().setStatusCode(301).putHeader("Location", "/ui/").end();
            }
        });
        router.get("/ui/api/apps").handler(ctx -> HttpResponses.json(ctx, 200, Map.of("apps", List.copyOf(new java.util.TreeSet<>(apps)),
                "analytics", feed.enabled())));
        router.get("/ui/api/analytics/:app").handler(this::analytics);
        router.get("/ui/:asset").handler(ctx -> {
            String name = ctx.pathParam("asset");
            if (!assets.containsKey(name)) {
                throw new ApiError(404, "no such dashboard file: " + name + "; expected one of " + assets.keySet(), "path");
            }
            asset(ctx, name);
        });
    }

    private void asset(RoutingContext ctx, String name) {
        ctx.response().putHeader("Content-Type", ASSETS.get(name)).putHeader("Cache-Control", "no-cache").end(assets.get(name));
    }

    private void analytics(RoutingContext ctx) {
        String app = AdminRoutes.knownApp(ctx, apps);
        if (!feed.enabled()) {
            throw new ApiError(404, "no analytics for this gateway: run the analytics service in its process (services: [..., analytics])"
                    + " or set analytics.dashboard: true (docs/analytics.md)", "analytics");
        }
        HttpResponses.json(ctx, 200, view(app, feed.figures(app)));
    }

    /** The page's data: per window size, the newest window's figures and each model's history over the retained windows. */
    static Map<String, Object> view(String app, List<ModelAnalytics> figures) {
        Map<Long, List<ModelAnalytics>> bySize = new TreeMap<>();
        figures.forEach(f -> bySize.computeIfAbsent(f.windowSizeMs(), s -> new ArrayList<>()).add(f));
        List<Object> windows = new ArrayList<>();
        bySize.forEach((sizeMs, ofSize) -> {
            long newest = ofSize.stream().mapToLong(ModelAnalytics::windowStartMs).max().orElseThrow();
            List<ModelAnalytics> current = ofSize.stream().filter(f -> f.windowStartMs() == newest)
                    .sorted(Comparator.comparing(f -> f.model() + "@" + f.version())).toList();
            Map<String, List<Map<String, Object>>> history = new TreeMap<>();
            ofSize.stream().sorted(Comparator.comparingLong(ModelAnalytics::windowStartMs)).forEach(f -> {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("startMs", f.windowStartMs());
                point.put("drift", f.drift());
                point.put("agreementWithCanary", f.agreementWithCanary());
                point.put("winShare", f.winShare());
                point.put("latencyP99Ms", f.latencyMs().p99());
                history.computeIfAbsent(f.model() + "@" + f.version(), r -> new ArrayList<>()).add(point);
            });
            Map<String, Object> window = new LinkedHashMap<>();
            window.put("sizeMs", sizeMs);
            window.put("startMs", newest);
            window.put("models", current);
            window.put("history", history);
            windows.add(window);
        });
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("app", app);
        view.put("windows", windows);
        return view;
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset /ui/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
