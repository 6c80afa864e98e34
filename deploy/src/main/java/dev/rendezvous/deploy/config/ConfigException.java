package dev.rendezvous.deploy.config;

import java.util.List;

/** The configuration is not usable; the message names every bad key, its value and what was expected. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }

    public ConfigException(String problem, Throwable cause) {
        super("invalid configuration: " + problem, cause);
    }
}
