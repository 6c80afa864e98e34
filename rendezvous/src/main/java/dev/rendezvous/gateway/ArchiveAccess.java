package dev.rendezvous.gateway;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who may read an application's archive over HTTP ({@code /v1/admin/trace/{app}/…},
 * {@code /v1/admin/archive/{app}/…}): only the bearer of that app's archive-reader token
 * ({@code gateway.archiveReaders.<app>}). The admin token does not grant it: the archive holds every
 * request's exact input, often personal data, and whoever may change policies need not read it.
 * 401 without a bearer token, 403 with any other token (another app's reader, the admin token) or
 * when the app has no reader configured. Installed ahead of {@link AdminRoutes}, whose own check
 * then lets a granted request through.
 */
final class ArchiveAccess {
    /** Set on the routing context once an archive read is allowed. */
    static final String GRANTED = "rdv.archive-reader";

    private final Set<String> apps;
    private final Map<String, byte[]> readers = new LinkedHashMap<>();
    private final byte[] adminToken;

    ArchiveAccess(Set<String> apps, Map<String, String> readerTokens, String adminToken) {
        // A live view: an app created while the gateway runs (ServedApps) is known here at once.
        this.apps = java.util.Collections.unmodifiableSet(apps);
        readerTokens.forEach((app, token) -> readers.put(app, token.getBytes(StandardCharsets.UTF_8)));
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
    }

    void install(Router router) {
        router.route("/v1/admin/trace/:app/:requestId").handler(this::authorize);
        router.route("/v1/admin/archive/:app/:operation").handler(this::authorize);
    }

    private void authorize(RoutingContext ctx) {
        String app = ctx.pathParam("app");
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"rendezvous-archive\"");
            throw new ApiError(401, "archive reads need 'Authorization: Bearer <archive-reader token of app " + app
                    + ">' (gateway.archiveReaders." + app + ")", "header Authorization");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        byte[] reader = readers.get(app);
        // Constant-time comparisons: a token must not leak through response timing.
        if (reader != null && MessageDigest.isEqual(given, reader)) {
            ctx.put(GRANTED, app);
            ctx.next();
            return;
        }
        boolean knownToken = MessageDigest.isEqual(given, adminToken) || readers.values().stream().anyMatch(t -> MessageDigest.isEqual(given, t));
        if (knownToken && !apps.contains(app)) {
            throw new ApiError(404, "unknown app '" + app + "'; known apps: " + apps, "path app");
        }
        if (reader == null) {
            throw new ApiError(403, "no archive reader is configured for app '" + app + "', so its archive cannot be read over HTTP; "
                    + "set gateway.archiveReaders." + app + " (the CLI reads the archive's files directly)", "header Authorization");
        }
        if (MessageDigest.isEqual(given, adminToken)) {
            throw new ApiError(403, "the admin token does not grant archive reads; use the archive-reader token of app '" + app
                    + "' (gateway.archiveReaders." + app + ")", "header Authorization");
        }
        throw new ApiError(403, "the bearer token is not an archive reader of app '" + app + "'", "header Authorization");
    }
}
