package dev.rendezvous.gateway;

import dev.rendezvous.protocol.JsonCodec;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests that are not valid HTTP, before any route sees them, with the gateway's JSON error
 * and the right status: a request line or headers Netty could not decode (400; 414 for a request
 * line, 431 for headers beyond the server's limits; a negative or malformed {@code Content-Length} is
 * 400), an HTTP version other than 1.0, 1.1 or 2 (505), a path or query with a malformed
 * percent-escape (400). Each is logged once, at INFO and without a stack trace: it is the caller's
 * mistake, not the gateway's. The connection is closed after such an answer, since what follows on
 * it cannot be trusted to start a new request.
 */
final class ProtocolErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrors.class);

    private ProtocolErrors() {
    }

    /**
     * Installs the answers on {@code server} and returns the request handler to serve: {@code routes}
     * behind the checks. Vert.x answers an unknown HTTP version with an empty 501 before the request
     * handler runs, unless a WebSocket handshake handler is set (then it leaves the version to the
     * request handler); the gateway serves no WebSockets, so it sets one that refuses every handshake.
     */
    static Handler<HttpServerRequest> guard(HttpServer server, Handler<HttpServerRequest> routes) {
        server.invalidRequestHandler(ProtocolErrors::undecodable);
        server.webSocketHandshakeHandler(handshake -> handshake.reject(404));
        return request -> {
            if (request.version() == null) {
                answer(request, 505, "HTTP version not supported; the gateway speaks HTTP/1.1, HTTP/1.0 and HTTP/2", "request line");
                return;
            }
            Optional<ApiError> escape = badEscape(request.uri());
            if (escape.isPresent()) {
                answer(request, 400, escape.get().getMessage(), escape.get().where());
                return;
            }
            routes.handle(request);
        };
    }

    /** Safety nets for what the router itself refuses while matching (an undecodable path segment) or fails with unhandled. */
    static void installRouterHandlers(Router router) {
        router.errorHandler(400, ctx -> {
            LOG.info("400 for {} {}: the router could not decode the request", ctx.request().method(), abbreviated(ctx.request().uri()));
            HttpResponses.error(ctx, 400, "the request's path or query cannot be decoded", "path");
        });
        router.errorHandler(500, ctx -> {
            LOG.error("unexpected failure on {} {}", ctx.request().method(), abbreviated(ctx.request().uri()), ctx.failure());
            HttpResponses.error(ctx, 500, "internal error", null);
        });
    }

    private static void undecodable(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        String message = cause == null ? "" : String.valueOf(cause.getMessage());
        if (cause instanceof TooLongHttpLineException) {
            answer(request, 414, "the request line is longer than the gateway accepts (4 KiB)", "request line");
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException && message.contains("header")) {
            answer(request, 431, "the request's headers are larger than the gateway accepts (8 KiB together)", "headers");
        } else if (message.toLowerCase(java.util.Locale.ROOT).contains("content-length")) {
            answer(request, 400, "the Content-Length header is not a single non-negative number", "header Content-Length");
        } else {
            answer(request, 400, "the request line or headers are not valid HTTP", "request line");
        }
    }

    private static void answer(HttpServerRequest request, int status, String message, String where) {
        LOG.info("{} for a malformed request from {}: {}", status, request.remoteAddress(), message);
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(Buffer.buffer(JsonCodec.encode(HttpResponses.errorBody(status, message, where, null))))
                .onComplete(written -> request.connection().close());
    }

    /** The 400 for the first malformed percent-escape ({@code %} not followed by two hex digits) in {@code uri}, if any. */
    static Optional<ApiError> badEscape(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
                String escape = uri.substring(i, Math.min(uri.length(), i + 3));
                int query = uri.indexOf('?');
                String part = query >= 0 && query < i ? "query" : "path";
                return Optional.of(new ApiError(400, "the " + part + " has a malformed percent-escape '" + escape + "' at character " + i
                        + " of the request target; expected % and two hex digits (%25 for a literal %)", part));
            }
        }
        return Optional.empty();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String abbreviated(String uri) {
        return uri == null ? "" : CallerHeaders.abbreviate(uri);
    }
}
