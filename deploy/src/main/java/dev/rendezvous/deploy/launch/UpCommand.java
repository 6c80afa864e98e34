package dev.rendezvous.deploy.launch;

import dev.rendezvous.deploy.config.ConfigException;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.config.PlatformConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rendezvous up}: starts the whole platform in this process and runs until interrupted. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the platform: embedded Kafka (unless kafka.embedded=false), demo models, decoy, archiver, rendezvous and gateway.")
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML configuration file (overrides the built-in defaults)")
    Path config;

    @Option(names = "--set", description = "Override one key, e.g. --set gateway.port=9090 (repeatable)")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--port", description = "Shortcut for --set gateway.port=PORT")
    Integer port;

    @Override
    public Integer call() throws Exception {
        long startNanos = System.nanoTime();
        Map<String, String> effective = new LinkedHashMap<>(overrides);
        if (port != null) {
            effective.put("gateway.port", port.toString());
        }
        PlatformConfig platformConfig;
        try {
            platformConfig = ConfigLoader.load(config, effective);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Platform platform = Platform.start(platformConfig);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C end the wait below, so that the platform stops in order and the process
        // exits 0 (a JVM killed by a signal through its shutdown hooks alone exits 143).
        StopSignals.onTermOrInterrupt(stopped::countDown);
        // Any other way out of the JVM still stops the platform (close is idempotent).
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "rendezvous-shutdown"));
        long readyMs = (System.nanoTime() - startNanos) / 1_000_000;
        String app = platformConfig.apps().get(0).name();
        if (platform.gatewayPort() < 0) {
            System.out.printf("%nRendezvous services %s are up in %d ms (Ctrl-C stops them)%n", platformConfig.services(), readyMs);
            if (platformConfig.runs(PlatformConfig.Service.KAFKA)) {
                System.out.printf("Kafka: %s (point the other services' kafka.bootstrapServers here)%n", platform.kafka().bootstrapServers());
            }
            printManagement(platformConfig, platform);
            return stopWhenAsked(platform, stopped);
        }
        System.out.printf("%nRendezvous is up in %d ms: http://localhost:%d (Ctrl-C stops it)%n", readyMs, platform.gatewayPort());
        System.out.printf("Kafka: %s   readiness: curl -s localhost:%d/health/ready%n", platform.kafka().bootstrapServers(), platform.gatewayPort());
        platform.adminTokenFile().ifPresent(file -> System.out.println(adminTokenLine(file)));
        printManagement(platformConfig, platform);
        System.out.printf("Try:%n  curl -s -H 'Content-Type: application/json' -d '%s' localhost:%d/v1/score/%s%n%n",
                SampleRequests.body(app), platform.gatewayPort(), app);
        return stopWhenAsked(platform, stopped);
    }

    private static void printManagement(PlatformConfig config, Platform platform) {
        if (platform.managementPort() >= 0) {
            System.out.printf("Management: curl -s %s:%d/health/ready   metrics: %s:%d/metrics%n", config.management().host(), platform.managementPort(),
                    config.management().host(), platform.managementPort());
        }
    }

    /** The banner's token line: where the token is, never the token itself (terminals and CI logs keep what is printed). */
    static String adminTokenLine(Path file) {
        return "Admin API token for this run (owner-only file; set gateway.adminToken to fix one): TOKEN=$(cat " + file + ")";
    }

    private static int stopWhenAsked(Platform platform, CountDownLatch stopRequested) throws InterruptedException {
        stopRequested.await();
        long startNanos = System.nanoTime();
        System.out.println("Stopping Rendezvous ...");
        platform.close();
        System.out.printf("Rendezvous stopped in %d ms%n", (System.nanoTime() - startNanos) / 1_000_000);
        return 0;
    }
}
