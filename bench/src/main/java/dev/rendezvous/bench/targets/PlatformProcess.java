package dev.rendezvous.bench.targets;

import dev.rendezvous.bench.load.ProcessCpu;
import dev.rendezvous.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform as a user starts it: {@code java -jar deploy/target/rendezvous.jar up} in a JVM of its
 * own, its embedded broker inside it, working directory a fresh directory (so {@code ./data} is its
 * own). The only settings added to the README's command are ports (free ones, so that a running
 * platform or another bench on the machine is no obstacle) and whatever a caller asks for; the bench
 * drives it over HTTP and reaches its broker on the port it gave.
 */
public final class PlatformProcess implements PlatformInstance {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformProcess.class);
    /** Where the README's command finds the launcher, from the repository root or from a module directory (tests). */
    static final List<Path> DEFAULT_JARS = List.of(Path.of("deploy", "target", "rendezvous.jar"), Path.of("..", "deploy", "target", "rendezvous.jar"));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final int gatewayPort;
    private final KafkaSettings kafka;
    private final Thread killOnExit;
    private long startMillis;

    private PlatformProcess(Process process, Path log, int gatewayPort, KafkaSettings kafka) {
        this.process = process;
        this.log = log;
        this.gatewayPort = gatewayPort;
        this.kafka = kafka;
        // A bench stopped by Ctrl-C or an error still ends its platform: no JVM left running behind it.
        this.killOnExit = new Thread(process::destroyForcibly, "bench-platform-process-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The launcher jar: {@code jar} when given, else the README's {@code deploy/target/rendezvous.jar}. */
    public static Path launcherJar(Path jar) {
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("--platform-jar " + jar + ": no such file");
            }
            return jar;
        }
        return DEFAULT_JARS.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no launcher jar at " + DEFAULT_JARS.get(0).toAbsolutePath() + "; build it (mvn -B -DskipTests package) or give --platform-jar"));
    }

    /**
     * Starts {@code java -jar <jar> up} in {@code workDir} and waits (up to {@code readyTimeout}) until its
     * gateway answers {@code /health/ready} with 200; on failure or timeout, stops it and throws with the
     * end of its log. {@code trainedModels}, when given, is copied to {@code workDir/data/models} first:
     * the demo models there are current, so the child does not train them again (as on a second
     * {@code up}). {@code settings} become {@code --set key=value}; a {@code -Drdv.bench.platform.<key>} of the bench's overrides the same key.
     */
    public static PlatformProcess start(Path jar, Path workDir, Path trainedModels, Map<String, String> settings, Duration readyTimeout)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        if (trainedModels != null) {
            copyDirectory(trainedModels, workDir.resolve("data").resolve("models"));
        }
        int gatewayPort = freePort();
        int brokerPort = freePort();
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toAbsolutePath().toString(), "up",
                "--port", Integer.toString(gatewayPort), "--set", "kafka.embeddedPort=" + brokerPort, "--set", "management.port=0"));
        // As in the in-JVM mode, the run's -Drdv.bench.platform.* A/B wins over the caller's settings.
        Map<String, String> all = new java.util.LinkedHashMap<>(settings);
        all.putAll(PlatformUnderTest.propertyOverrides());
        all.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Path log = workDir.resolve("platform.log");
        LOG.info("starting the platform process: {} (in {}, log {})", String.join(" ", command), workDir, log);
        long begin = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        String prefix = all.getOrDefault("kafka.topicPrefix", "");
        PlatformProcess platform = new PlatformProcess(process, log, gatewayPort, KafkaSettings.local("127.0.0.1:" + brokerPort, prefix));
        try {
            platform.awaitReady(readyTimeout);
        } catch (IOException | InterruptedException | RuntimeException e) {
            String tail = platform.logTail(30);
            platform.close();
            throw new IllegalStateException("the platform process did not become ready: " + e.getMessage() + "; end of " + log + ":\n" + tail, e);
        }
        platform.startMillis = (System.nanoTime() - begin) / 1_000_000;
        LOG.info("platform process {} ready in {} ms (gateway :{}, broker :{})", process.pid(), platform.startMillis, gatewayPort, brokerPort);
        return platform;
    }

    /** Polls the gateway's readiness every 250 ms; gives up when the process exits or the time is over. */
    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("it exited with status " + process.exitValue());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("not ready within " + timeout.toSeconds() + " s");
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public int gatewayPort() {
        return gatewayPort;
    }

    @Override
    public KafkaSettings kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    @Override
    public LongSupplier processCpuNanos() {
        long pid = process.pid();
        return () -> ProcessCpu.cpuNanosOf(pid);
    }

    /** The child's resident set size now, or -1 when it cannot be read. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not Linux
        }
        return -1;
    }

    /**
     * SIGTERM, as Ctrl-C would (the platform stops in order and exits 0); after {@link #STOP_TIMEOUT},
     * SIGKILL. Either way the process is gone when this returns (or was not reaped within 10 s more, said in the log).
     */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warn("platform process {} did not stop within {} s of SIGTERM; killing it", process.pid(), STOP_TIMEOUT.toSeconds());
                    process.destroyForcibly();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        LOG.error("platform process {} still there 10 s after SIGKILL", process.pid());
                    }
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // the JVM is already exiting: the hook runs anyway, harmlessly
            }
        }
    }

    /** The last {@code lines} lines of the child's log (its stdout and stderr). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
