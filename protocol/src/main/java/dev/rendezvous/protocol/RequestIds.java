package dev.rendezvous.protocol;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Request ids: what a caller may send, and how the gateway makes one when the caller does not. */
public final class RequestIds {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");
    /** 16-64 URL-safe base64 characters: at least 96 random bits in a nonce the gateway makes (it makes 128). */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /** A fresh nonce: 128 random bits, URL-safe base64 without padding (22 characters). */
    public static String generateNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static void requireNonce(String nonce) {
        if (!NONCE.matcher(nonce).matches()) {
            throw new IllegalArgumentException("nonce: expected 16-64 letters, digits, '_' or '-' (e.g. 128 random bits in URL-safe base64)");
        }
    }

    /**
     * How records of one request are matched: its id alone, or id and nonce. '#' cannot occur in an id
     * or a nonce, so two origins never share a key.
     */
    public static String originKey(String id, String nonce) {
        return nonce == null ? id : id + '#' + nonce;
    }

    static void require(String field, String id) {
        problemWith(id).ifPresent(p -> {
            throw new IllegalArgumentException(field + ": " + p);
        });
    }
}
