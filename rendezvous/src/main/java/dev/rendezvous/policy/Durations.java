package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Policy durations: an integer number of milliseconds, {@code <n>ms} or {@code <n>s}. */
final class Durations {
    static final String SYNTAX = "expected an integer number of milliseconds, '<n>ms' or '<n>s'";
    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})\\s*(ms|s)?");

    private Durations() {
    }

    /** Milliseconds, possibly zero or negative (the caller says which are allowed); throws with a message naming the value. */
    static long parseMs(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            Matcher matcher = TEXT.matcher(node.asText().trim());
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return "s".equals(matcher.group(2)) ? amount * 1000 : amount;
            }
        }
        throw new IllegalArgumentException("'" + (node.isTextual() ? node.asText() : node.toString()) + "' is not a duration; " + SYNTAX);
    }

    static String format(long ms) {
        return ms + "ms";
    }
}
