package dev.rendezvous.protocol;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Request ids: what a caller may send, and how the gateway makes one when the caller does not. */
public final class RequestIds {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    private RequestIds() {
    }

    public static String generate() {
        return UUID.randomUUID().toString();
    }

    /** Returns a problem description if {@code id} is not acceptable, empty if it is. */
    public static Optional<String> problemWith(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("request id is empty");
        }
        if (id.length() > MAX_LENGTH) {
            return Optional.of("request id is " + id.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        if (!ALLOWED.matcher(id).matches()) {
            return Optional.of("request id may contain only letters, digits, '.', '_', ':' and '-'");
        }
        return Optional.empty();
    }

    static void require(String field, String id) {
        problemWith(id).ifPresent(p -> {
            throw new IllegalArgumentException(field + ": " + p);
        });
    }
}
