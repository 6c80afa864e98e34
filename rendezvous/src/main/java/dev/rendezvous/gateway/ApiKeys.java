package dev.rendezvous.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API keys each app's scoring calls must present ({@code X-Api-Key: <key>} or
 * {@code Authorization: Bearer <key>}): none for an app that is not configured, 401 when one is
 * needed and missing, 403 when the one given is not accepted.
 */
final class ApiKeys {
    static final String HEADER = "X-Api-Key";
    private final Map<String, List<byte[]>> digestsByApp = new HashMap<>();

    ApiKeys(Map<String, Set<String>> keysByApp) {
        keysByApp.forEach((app, keys) -> {
            List<byte[]> digests = new ArrayList<>();
            keys.forEach(key -> digests.add(sha256(key)));
            digestsByApp.put(app, digests);
        });
    }

    boolean required(String app) {
        return digestsByApp.containsKey(app);
    }

    /**
     * Checks the key presented for {@code app}.
     *
     * @param apiKeyHeader  the {@code X-Api-Key} header, or null
     * @param authorization the {@code Authorization} header, or null
     * @throws ApiError 401 or 403
     */
    void check(String app, String apiKeyHeader, String authorization) {
        List<byte[]> accepted = digestsByApp.get(app);
        if (accepted == null) {
            return;
        }
        String given = presented(apiKeyHeader, authorization);
        if (given == null) {
            throw new ApiError(401, "app '" + app + "' needs an API key: send 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'",
                    "header " + HEADER);
        }
        // Comparing fixed-length digests with MessageDigest.isEqual, and always against every key,
        // keeps the time taken independent of how much of a guess is right.
        byte[] digest = sha256(given);
        boolean match = false;
        for (byte[] candidate : accepted) {
            match |= MessageDigest.isEqual(digest, candidate);
        }
        if (!match) {
            throw new ApiError(403, "the API key is not accepted for app '" + app + "'", "header " + HEADER);
        }
    }

    private static String presented(String apiKeyHeader, String authorization) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return apiKeyHeader.trim();
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && !authorization.substring(7).isBlank()) {
            return authorization.substring(7).trim();
        }
        return null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
