package dev.rendezvous.gateway;

import dev.rendezvous.protocol.JsonCodec;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long a request's body may take to arrive ({@code gateway.bodyTimeoutMs}, counted from
 * its headers): a chunked body that never ends, or a {@code Content-Length} larger than what is sent,
 * is answered 408 with a JSON error once the time is up, and its HTTP/1.x connection closed (the rest
 * of such a body may never come, so the connection cannot be reused). Runs ahead of the body handler;
 * a body that arrived in time is not affected, whatever its scoring takes afterwards. A platform handler,
 * because Vert.x Web runs those before the body handler.
 */
final class BodyTimeout implements PlatformHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BodyTimeout.class);

    private final Vertx vertx;
    private final long timeoutMs;

    BodyTimeout(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!ctx.request().isEnded()) {
            long timer = vertx.setTimer(timeoutMs, id -> expire(ctx));
            ctx.addEndHandler(ended -> vertx.cancelTimer(timer));
        }
        ctx.next();
    }

    private void expire(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded() || ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        String length = request.getHeader("Content-Length");
        String message = "the body did not arrive within " + timeoutMs + " ms (gateway.bodyTimeoutMs): " + request.bytesRead()
                + " bytes came" + (length != null ? " of the " + CallerHeaders.abbreviate(length) + " its Content-Length announced"
                : request.headers().contains("Transfer-Encoding", "chunked", true) ? " and the chunked body never ended" : "");
        LOG.info("408 for {} {} from {}: {}", request.method(), CallerHeaders.abbreviate(request.path()), request.remoteAddress(), message);
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        if (http1) {
            ctx.response().putHeader("Connection", "close");
        }
        ctx.response()
                .setStatusCode(408)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(JsonCodec.encode(HttpResponses.errorBody(408, message, "body", null))))
                .onComplete(written -> {
                    if (http1) {
                        request.connection().close();
                    } else {
                        ctx.response().reset();
                    }
                });
    }
}
