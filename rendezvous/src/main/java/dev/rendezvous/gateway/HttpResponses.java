package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Writes the gateway's JSON responses; every error has the same shape: {@code {"error", "where", "status"}}. */
final class HttpResponses {
    private HttpResponses() {
    }

    static void error(RoutingContext ctx, int status, String message, String where) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("error", message);
        if (where != null) {
            body.put("where", where);
        }
        body.put("status", status);
        json(ctx, status, body);
    }

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(JsonCodec.encode(body)));
    }
}
