package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.RequestIds;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * What a caller may say in headers (and the body's {@code id}, the query's {@code explain}) about any
 * scoring request: its id, its deadline, and whether the answer should explain the decision.
 */
final class CallerHeaders {
    static final String REQUEST_ID = "X-Request-Id";
    static final String DEADLINE_MS = "X-Deadline-Ms";
    static final String EXPLAIN = "X-Explain";
    static final String EXPLAIN_QUERY = "explain";
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]{1,18}");

    private CallerHeaders() {
    }

    /**
     * The request id from {@code X-Request-Id} or the body's {@code id} (they must agree when both
     * are given), or a new one when neither is.
     */
    static String requestId(RoutingContext ctx, JsonNode bodyId) {
        String fromHeader = ctx.request().getHeader(REQUEST_ID);
        if (bodyId != null && !bodyId.isNull() && !bodyId.isTextual()) {
            throw new ApiError(400, "'id' must be a string", "body.id");
        }
        String fromBody = bodyId == null || bodyId.isNull() ? null : bodyId.asText();
        if (fromHeader != null && fromBody != null && !fromHeader.equals(fromBody)) {
            throw new ApiError(400, "the body's id '" + abbreviate(fromBody) + "' differs from " + REQUEST_ID + " '" + abbreviate(fromHeader)
                    + "'; send one of them, or the same id in both", "header " + REQUEST_ID);
        }
        String id = fromHeader != null ? fromHeader : fromBody;
        if (id == null) {
            return RequestIds.generate();
        }
        String where = fromHeader != null ? "header " + REQUEST_ID : "body.id";
        RequestIds.problemWith(id).ifPresent(problem -> {
            throw new ApiError(400, problem, where);
        });
        return id;
    }

    /** The deadline the caller asks for in {@code X-Deadline-Ms}, or null when it asks for none. */
    static Long requestedDeadlineMs(RoutingContext ctx) {
        return deadlineMs(ctx.request().getHeader(DEADLINE_MS));
    }

    /** {@code X-Deadline-Ms}'s value as milliseconds, null when absent; a 400 unless it is 1 or more in plain digits. */
    static Long deadlineMs(String header) {
        if (header == null) {
            return null;
        }
        // Digits only: " 5 ", "+5" and "5.0" are refused rather than guessed at (18 digits always fit a long).
        if (!DIGITS.matcher(header).matches()) {
            throw new ApiError(400, DEADLINE_MS + " must be a whole number of milliseconds, digits only, was '" + abbreviate(header) + "'",
                    "header " + DEADLINE_MS);
        }
        long requested = Long.parseLong(header);
        if (requested < 1) {
            throw new ApiError(400, DEADLINE_MS + " must be at least 1, was " + requested, "header " + DEADLINE_MS);
        }
        return requested;
    }

    /**
     * Whether the caller asks for the decision's forensics ({@code candidates}, {@code splitVariant}) in
     * the answer: {@code ?explain=true} or {@code X-Explain: true}; {@code false} (or neither) asks not.
     * Anything else is a 400 naming the parameter, and so are a query and a header that disagree.
     */
    static boolean explain(RoutingContext ctx) {
        Boolean fromQuery = explainValue(ctx.queryParam(EXPLAIN_QUERY), EXPLAIN_QUERY, "query " + EXPLAIN_QUERY);
        Boolean fromHeader = explainValue(ctx.request().headers().getAll(EXPLAIN), EXPLAIN, "header " + EXPLAIN);
        if (fromQuery != null && fromHeader != null && !fromQuery.equals(fromHeader)) {
            throw new ApiError(400, "?" + EXPLAIN_QUERY + "=" + fromQuery + " contradicts " + EXPLAIN + ": " + fromHeader
                    + "; send one of them, or the same value in both", "header " + EXPLAIN);
        }
        return Boolean.TRUE.equals(fromQuery) || Boolean.TRUE.equals(fromHeader);
    }

    /** The one value of a repeated flag, null when absent; a value other than true/false, or two different ones, is a 400. */
    private static Boolean explainValue(List<String> values, String name, String where) {
        Boolean found = null;
        for (String value : values) {
            boolean parsed;
            if ("true".equalsIgnoreCase(value.trim())) {
                parsed = true;
            } else if ("false".equalsIgnoreCase(value.trim())) {
                parsed = false;
            } else {
                throw new ApiError(400, name + " must be true or false, was '" + abbreviate(value) + "'", where);
            }
            if (found != null && found != parsed) {
                throw new ApiError(400, name + " is given twice, as true and as false", where);
            }
            found = parsed;
        }
        return found;
    }

    static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
