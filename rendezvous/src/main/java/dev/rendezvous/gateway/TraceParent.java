package dev.rendezvous.gateway;

import java.util.regex.Pattern;

/**
 * The W3C Trace Context {@code traceparent} header: what a well-formed one looks like. A malformed
 * one is ignored rather than refused, as the W3C recommendation asks of a receiver (it starts a new
 * trace instead), so it is neither propagated nor a reason to fail the request.
 */
final class TraceParent {
    static final String HEADER = "traceparent";
    // version - trace-id - parent-id - flags; a future version may append fields after a '-'.
    private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceParent() {
    }

    /** The header when it is well formed, null otherwise (also when absent). */
    static String validOrNull(String header) {
        if (header == null || header.length() > 512) {
            return null;
        }
        String value = header.trim();
        var m = FORMAT.matcher(value);
        if (!m.matches()) {
            return null;
        }
        String version = m.group(1);
        if (version.equals("ff") || (version.equals("00") && m.group(5) != null)) {
            return null;
        }
        if (m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_PARENT)) {
            return null;
        }
        return value;
    }
}
