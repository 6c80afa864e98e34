package dev.rendezvous.chaos;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The platform as docs/operations.md runs it in production, one service per process on one machine:
 * the broker-only service ({@code services: [kafka]}, its data in {@code broker/data/kafka}), then the
 * models, decoy, archiver, rendezvous, hot standby and gateway, each in a directory of its own with its
 * own {@code rendezvous.yaml}. Ports are picked free once and kept, so a restarted service comes back
 * where it was (and under the same static member name).
 */
final class ChaosPlatform implements AutoCloseable {
    static final String ADMIN_TOKEN = "chaos-admin-token-0123456789";
    /** The demo app's deadline (the default policy) and the gateway's default reply grace. */
    static final long DEADLINE_MS = 100;
    static final long REPLY_GRACE_MS = 500;
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    final int kafkaPort;
    final int gatewayPort;
    final ArchiveDisk archive;
    final ServiceProcess broker;
    final ServiceProcess models;
    final ServiceProcess decoy;
    final ServiceProcess archiver;
    final ServiceProcess rendezvous;
    final ServiceProcess standby;
    final ServiceProcess gateway;
    private final List<ServiceProcess> all = new ArrayList<>();
    /** Starts that had to be repeated because the process exited while starting (reported with the figures). */
    int startRetries;

    private ChaosPlatform(Path root) throws IOException, InterruptedException {
        kafkaPort = freePort();
        gatewayPort = freePort();
        archive = ArchiveDisk.at(root.resolve("archive-disk"), 512);
        broker = service(root, "broker", "services=[kafka]");
        models = service(root, "models", "services=[models]");
        decoy = service(root, "decoy", "services=[decoy]");
        archiver = service(root, "archiver", "services=[archiver]");
        rendezvous = service(root, "rendezvous", "services=[rendezvous]");
        // -Dchaos.standby.takeoverWindowMs=500: the experiment docs/reliability.md describes (the default is the platform's, 300).
        String window = System.getProperty("chaos.standby.takeoverWindowMs", "");
        standby = window.isBlank() ? service(root, "standby", "services=[standby]")
                : service(root, "standby", "services=[standby]", "standby.takeoverWindowMs=" + window);
        gateway = service(root, "gateway", "services=[gateway]");
    }

    /** Starts the broker, then every other service at once (each waits for what it needs), and waits until all are ready. */
    static ChaosPlatform start(Path root) throws Exception {
        ChaosPlatform platform = new ChaosPlatform(root);
        try {
            platform.broker.start();
            platform.broker.awaitReady(START_TIMEOUT);
            for (ServiceProcess service : platform.all) {
                if (service != platform.broker) {
                    service.start();
                }
            }
            for (ServiceProcess service : platform.all) {
                platform.startRetries += service.awaitReadySupervised(START_TIMEOUT);
            }
            return platform;
        } catch (Exception | Error e) {
            platform.close();
            throw e;
        }
    }

    List<ServiceProcess> services() {
        return List.copyOf(all);
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), AdminClientConfig.CLIENT_ID_CONFIG, "chaos-check"));
    }

    private ServiceProcess service(Path root, String name, String... settings) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        boolean isBroker = name.equals("broker");
        String kafka = isBroker
                ? "kafka:\n  embeddedPort: " + kafkaPort + "\n"
                : "kafka:\n  embedded: false\n  bootstrapServers: " + bootstrap() + "\n";
        Files.writeString(dir.resolve("rendezvous.yaml"), kafka + """
                gateway:
                  port: %d
                  instanceId: gw-chaos
                  adminToken: %s
                archive:
                  dir: %s
                  maxSegmentAgeMs: 10000
                """.formatted(gatewayPort, ADMIN_TOKEN, archive.dir()));
        ServiceProcess service = new ServiceProcess(name, dir, List.of(settings), freePort(), isBroker ? "384m" : "256m");
        all.add(service);
        return service;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        // The broker last, so that the others leave their groups and commit cleanly.
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
        archive.close();
    }
}
