package dev.rendezvous.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Typed settings of one gateway instance.
 *
 * @param host              interface to listen on
 * @param port              HTTP port; 0 picks a free one
 * @param instanceId        names this instance's reply topic (its return address); unique per instance
 * @param replyGraceMs      how long past a request's deadline the gateway waits for the rendezvous's
 *                          decision before answering with a timeout itself
 * @param maxBodyBytes      largest accepted request body; larger gets 413
 * @param adminToken        the bearer token the admin API requires
 * @param maxInflight       requests this gateway waits on at once, all apps together; beyond it 503 with Retry-After
 * @param maxInflightPerApp requests one app may have in flight at once; beyond it 503 with Retry-After
 * @param maxJsonDepth      deepest JSON nesting a scoring body may have; deeper gets 400
 * @param maxArrayLength    longest JSON array, and most elements of one tensor, a scoring body may have; more gets 400
 * @param apiKeys           app to the API keys its scoring calls must present; an app not listed (and an empty map) needs none
 * @param shutdownGraceMs   how long {@link GatewayServer#close()} waits past the longest deadline and reply grace
 *                          for in-flight requests before closing anyway
 * @param shedding          latency-driven load shedding per app; null takes {@link SheddingConfig#DEFAULT}
 * @param archiveReaders    app to the bearer token that may read its archive over HTTP (trace, SQL); an app not
 *                          listed cannot be read over HTTP at all. The admin token is no reader token.
 * @param bodyTimeoutMs     how long a request's body may take to arrive after its headers; later gets 408 and the
 *                          connection closed (a request holds no in-flight slot until its body is in)
 * @param onInvalidInput    app to what a request that fails its models' input signature gets; an app not listed: reject
 */
public record GatewayConfig(String host, int port, String instanceId, long replyGraceMs, int maxBodyBytes, String adminToken,
                            int maxInflight, int maxInflightPerApp, int maxJsonDepth, int maxArrayLength,
                            Map<String, Set<String>> apiKeys, long shutdownGraceMs, SheddingConfig shedding,
                            Map<String, String> archiveReaders, long bodyTimeoutMs, Map<String, InvalidInputAction> onInvalidInput) {
    public static final int DEFAULT_MAX_INFLIGHT = 10_000;
    public static final int DEFAULT_MAX_INFLIGHT_PER_APP = 5_000;
    public static final int DEFAULT_MAX_JSON_DEPTH = 32;
    public static final int DEFAULT_MAX_ARRAY_LENGTH = 100_000;
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 1_000;
    public static final long DEFAULT_BODY_TIMEOUT_MS = 10_000;
    /** Ten minutes: a body slower than that is no upload a scoring API should wait for. */
    public static final long MAX_BODY_TIMEOUT_MS = 600_000;

    public GatewayConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway.port must be 0-65535, was " + port);
        }
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("gateway.instanceId '" + instanceId + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        if (replyGraceMs < 0) {
            throw new IllegalArgumentException("gateway.replyGraceMs must not be negative, was " + replyGraceMs);
        }
        if (adminToken == null || adminToken.length() < 16) {
            throw new IllegalArgumentException("gateway.adminToken must be at least 16 characters");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("gateway.maxBodyBytes must be at least 1024, was " + maxBodyBytes);
        }
        if (maxInflight < 1) {
            throw new IllegalArgumentException("gateway.maxInflight must be at least 1, was " + maxInflight);
        }
        if (maxInflightPerApp < 1 || maxInflightPerApp > maxInflight) {
            throw new IllegalArgumentException("gateway.maxInflightPerApp must be 1.." + maxInflight + " (gateway.maxInflight), was " + maxInflightPerApp);
        }
        if (maxJsonDepth < 4 || maxJsonDepth > 1000) {
            throw new IllegalArgumentException("gateway.maxJsonDepth must be 4-1000, was " + maxJsonDepth);
        }
        if (maxArrayLength < 1) {
            throw new IllegalArgumentException("gateway.maxArrayLength must be at least 1, was " + maxArrayLength);
        }
        if (shutdownGraceMs < 0) {
            throw new IllegalArgumentException("gateway.shutdownGraceMs must not be negative, was " + shutdownGraceMs);
        }
        if (bodyTimeoutMs < 100 || bodyTimeoutMs > MAX_BODY_TIMEOUT_MS) {
            throw new IllegalArgumentException("gateway.bodyTimeoutMs must be 100-" + MAX_BODY_TIMEOUT_MS + ", was " + bodyTimeoutMs);
        }
        onInvalidInput = onInvalidInput == null ? Map.of() : Map.copyOf(onInvalidInput);
        apiKeys = copyKeys(apiKeys);
        shedding = shedding == null ? SheddingConfig.DEFAULT : shedding;
        archiveReaders = copyReaders(archiveReaders, adminToken);
    }

    /** With the default body timeout, and every app rejecting invalid input. */
    public GatewayConfig(String host, int port, String instanceId, long replyGraceMs, int maxBodyBytes, String adminToken,
                         int maxInflight, int maxInflightPerApp, int maxJsonDepth, int maxArrayLength,
                         Map<String, Set<String>> apiKeys, long shutdownGraceMs, SheddingConfig shedding, Map<String, String> archiveReaders) {
        this(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp, maxJsonDepth, maxArrayLength,
                apiKeys, shutdownGraceMs, shedding, archiveReaders, DEFAULT_BODY_TIMEOUT_MS, Map.of());
    }

    /** Without archive readers: no app's archive can be read over HTTP. */
    public GatewayConfig(String host, int port, String instanceId, long replyGraceMs, int maxBodyBytes, String adminToken,
                         int maxInflight, int maxInflightPerApp, int maxJsonDepth, int maxArrayLength,
                         Map<String, Set<String>> apiKeys, long shutdownGraceMs, SheddingConfig shedding) {
        this(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp, maxJsonDepth, maxArrayLength,
                apiKeys, shutdownGraceMs, shedding, Map.of());
    }

    /** The settings before issue 8's limits existed; every new setting takes its default. */
    public GatewayConfig(String host, int port, String instanceId, long replyGraceMs, int maxBodyBytes, String adminToken) {
        this(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, DEFAULT_MAX_INFLIGHT, DEFAULT_MAX_INFLIGHT_PER_APP,
                DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_ARRAY_LENGTH, Map.of(), DEFAULT_SHUTDOWN_GRACE_MS, SheddingConfig.DEFAULT);
    }

    public static GatewayConfig defaults(String instanceId, String adminToken) {
        return new GatewayConfig("127.0.0.1", 8080, instanceId, 500, 1 << 20, adminToken);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, shedding, archiveReaders, bodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withInflightLimits(int newMaxInflight, int newMaxInflightPerApp) {
        return new GatewayConfig(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, newMaxInflight, newMaxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, shedding, archiveReaders, bodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withApiKeys(Map<String, Set<String>> newApiKeys) {
        return new GatewayConfig(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, newApiKeys, shutdownGraceMs, shedding, archiveReaders, bodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withReplyGraceMs(long newReplyGraceMs) {
        return new GatewayConfig(host, port, instanceId, newReplyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, shedding, archiveReaders, bodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withShedding(SheddingConfig newShedding) {
        return new GatewayConfig(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, newShedding, archiveReaders, bodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withArchiveReaders(Map<String, String> newArchiveReaders) {
        return new GatewayConfig(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, shedding, newArchiveReaders, bodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withBodyTimeoutMs(long newBodyTimeoutMs) {
        return new GatewayConfig(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, shedding, archiveReaders, newBodyTimeoutMs, onInvalidInput);
    }

    public GatewayConfig withOnInvalidInput(Map<String, InvalidInputAction> newOnInvalidInput) {
        return new GatewayConfig(host, port, instanceId, replyGraceMs, maxBodyBytes, adminToken, maxInflight, maxInflightPerApp,
                maxJsonDepth, maxArrayLength, apiKeys, shutdownGraceMs, shedding, archiveReaders, bodyTimeoutMs, newOnInvalidInput);
    }

    /** What a request of {@code app} that fails its models' input signature gets. */
    public InvalidInputAction onInvalidInput(String app) {
        return onInvalidInput.getOrDefault(app, InvalidInputAction.REJECT);
    }

    private static Map<String, String> copyReaders(Map<String, String> readers, String adminToken) {
        if (readers == null) {
            return Map.of();
        }
        readers.forEach((app, token) -> {
            if (token == null || token.length() < 16) {
                throw new IllegalArgumentException("gateway.archiveReaders." + app + " must be a token of at least 16 characters");
            }
            if (token.equals(adminToken)) {
                throw new IllegalArgumentException("gateway.archiveReaders." + app + " must differ from gateway.adminToken: "
                        + "reading the archive is a permission of its own");
            }
        });
        return Map.copyOf(readers);
    }

    private static Map<String, Set<String>> copyKeys(Map<String, Set<String>> keys) {
        if (keys == null) {
            return Map.of();
        }
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        keys.forEach((app, accepted) -> {
            if (accepted == null || accepted.isEmpty()) {
                throw new IllegalArgumentException("gateway.apiKeys." + app + " lists no key; remove the app to leave it open, or list at least one key");
            }
            for (String key : accepted) {
                if (key == null || key.length() < 16) {
                    throw new IllegalArgumentException("gateway.apiKeys." + app + " has a key shorter than 16 characters; expected at least 16");
                }
            }
            copy.put(app, Set.copyOf(accepted));
        });
        return Map.copyOf(copy);
    }
}
