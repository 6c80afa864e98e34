package dev.rendezvous.bench.targets;

import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.config.PlatformConfig;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * The rendezvous path: the whole platform as {@code rendezvous up} starts it (three demo models, decoy,
 * archiver, rendezvous, gateway, default policy), but on the benchmark's broker and under its own topic
 * prefix; records how long it took to start.
 */
public final class PlatformUnderTest implements AutoCloseable {
    /** Topic prefix of the platform's topics on the shared broker. */
    public static final String TOPIC_PREFIX = "bench.";

    private final Platform platform;
    private final long startMillis;
    /** System properties with this prefix set a platform config key for the run. */
    public static final String PLATFORM_PROPERTY = "rdv.bench.platform.";

    private PlatformUnderTest(Platform platform, long startMillis) {
        this.platform = platform;
        this.startMillis = startMillis;
    }

    /** Starts the platform with the built-in defaults, pointed at {@code bootstrapServers}, keeping its files under {@code workDir}. */
    public static PlatformUnderTest start(String bootstrapServers, Path workDir) throws Exception {
        java.util.Map<String, String> overrides = new java.util.HashMap<>(Map.of(
                "kafka.embedded", "false",
                "kafka.bootstrapServers", bootstrapServers,
                "kafka.topicPrefix", TOPIC_PREFIX,
                "gateway.host", "127.0.0.1",
                "gateway.port", "0",
                "gateway.instanceId", "gw-bench",
                "gateway.adminTokenFile", workDir.resolve("admin-token").toString(),
                "management.port", "0",
                "models.demoDir", workDir.resolve("models").toString(),
                "archive.dir", workDir.resolve("archive").toString()));
        // An A/B of one setting, run after run: -Drdv.bench.platform.<config key>=<value> (e.g. rendezvous.replyMarginMaxShare=0).
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(PLATFORM_PROPERTY))
                .forEach(name -> overrides.put(name.substring(PLATFORM_PROPERTY.length()), System.getProperty(name)));
        PlatformConfig config = ConfigLoader.load(null, overrides);
        long begin = System.nanoTime();
        Platform platform = Platform.start(config);
        return new PlatformUnderTest(platform, (System.nanoTime() - begin) / 1_000_000);
    }

    public int gatewayPort() {
        return platform.gatewayPort();
    }

    public KafkaSettings kafka() {
        return platform.kafka();
    }

    /** Wall time of {@link Platform#start}, broker already running and demo models already trained. */
    public long startMillis() {
        return startMillis;
    }

    @Override
    public void close() {
        platform.close();
    }
}
