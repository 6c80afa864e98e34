package dev.rendezvous.bench.targets;

import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.config.PlatformConfig;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The rendezvous path inside the bench's JVM: the whole platform as {@code rendezvous up} starts it
 * (three demo models, decoy, archiver, rendezvous, gateway, default policy), but on the benchmark's
 * broker and under its own topic prefix; records how long it took to start.
 */
public final class PlatformUnderTest implements PlatformInstance {
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
        return start(bootstrapServers, workDir, Map.of());
    }

    /**
     * As {@link #start(String, Path)}, with config keys set over the bench's (an ablation step's services
     * and models, a topic prefix of its own); {@code -Drdv.bench.platform.*} properties still win.
     */
    public static PlatformUnderTest start(String bootstrapServers, Path workDir, Map<String, String> settings) throws Exception {
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
        overrides.putAll(settings);
        // An A/B of one setting, run after run: -Drdv.bench.platform.<config key>=<value> (e.g. rendezvous.replyMarginMaxShare=0).
        overrides.putAll(propertyOverrides());
        PlatformConfig config = ConfigLoader.load(null, overrides);
        long begin = System.nanoTime();
        Platform platform = Platform.start(config);
        return new PlatformUnderTest(platform, (System.nanoTime() - begin) / 1_000_000);
    }

    /** The {@code -Drdv.bench.platform.<key>=<value>} settings of this run, by config key. */
    static Map<String, String> propertyOverrides() {
        Map<String, String> overrides = new java.util.TreeMap<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(PLATFORM_PROPERTY))
                .forEach(name -> overrides.put(name.substring(PLATFORM_PROPERTY.length()), System.getProperty(name)));
        return overrides;
    }

    @Override
    public LongSupplier processCpuNanos() {
        return null;
    }

    @Override
    public int gatewayPort() {
        return platform.gatewayPort();
    }

    @Override
    public KafkaSettings kafka() {
        return platform.kafka();
    }

    /** Wall time of {@link Platform#start}, broker already running and demo models already trained. */
    @Override
    public long startMillis() {
        return startMillis;
    }

    @Override
    public void close() {
        platform.close();
    }
}
