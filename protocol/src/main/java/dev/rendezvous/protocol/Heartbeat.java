package dev.rendezvous.protocol;

/**
 * A running model runner's sign of life on {@code rdv.heartbeats}, keyed by
 * {@code app/name/version/instance}, sent every second. The rendezvous waits only for members with a
 * recent heartbeat; a runner that stops cleanly sends one last heartbeat with {@code stopping} set.
 */
public record Heartbeat(String app, String name, String version, String instance, long atMs, boolean stopping) {
    public Heartbeat {
        if (!TopicNames.isLegalApp(app)) {
            throw new IllegalArgumentException("app '" + app + "' is not a legal application name");
        }
        ModelRef.parse(name + "@" + version);
        if (instance == null || instance.isBlank()) {
            throw new IllegalArgumentException("heartbeat instance is missing");
        }
    }

    public ModelRef ref() {
        return new ModelRef(name, version);
    }

    public String key() {
        return app + "/" + name + "/" + version + "/" + instance;
    }
}
