package dev.rendezvous.gateway;

/**
 * Typed settings of one gateway instance.
 *
 * @param host          interface to listen on
 * @param port          HTTP port; 0 picks a free one
 * @param instanceId    names this instance's reply topic (its return address); unique per instance
 * @param replyGraceMs  how long past a request's deadline the gateway waits for the rendezvous's
 *                      decision before answering with a timeout itself
 * @param maxBodyBytes  largest accepted request body; larger gets 413
 * @param adminToken    the bearer token the admin API requires
 */
public record GatewayConfig(String host, int port, String instanceId, long replyGraceMs, int maxBodyBytes, String adminToken) {
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
    }

    public static GatewayConfig defaults(String instanceId, String adminToken) {
        return new GatewayConfig("0.0.0.0", 8080, instanceId, 500, 1 << 20, adminToken);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, instanceId, replyGraceMs, maxBodyBytes, adminToken);
    }
}
