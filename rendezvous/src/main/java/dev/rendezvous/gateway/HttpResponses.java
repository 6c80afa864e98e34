package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes the gateway's JSON responses; every error has the same shape: {@code {"error", "where", "status"}},
 * plus {@code "reason"} when the gateway refused a request under load (which limit, see {@link ApiError#reason()}).
 */
final class HttpResponses {
    private HttpResponses() {
    }

    static void error(RoutingContext ctx, int status, String message, String where) {
        error(ctx, status, message, where, null);
    }

    static void error(RoutingContext ctx, int status, String message, String where, String reason) {
        json(ctx, status, errorBody(status, message, where, reason));
    }

    static ObjectNode errorBody(int status, String message, String where, String reason) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("error", message);
        if (where != null) {
            body.put("where", where);
        }
        body.put("status", status);
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
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
