package dev.rendezvous.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One platform service in a JVM of its own, started as an operator starts it: {@code rendezvous up
 * --config rendezvous.yaml --set services=[x]} in its own working directory, so that its relative
 * {@code data/...} paths (broker logs, models, archive, admin token) are its own. Its management port is
 * fixed for the whole suite: the same static group member name after every restart, as a StatefulSet pod
 * keeps its name. Output goes to {@code <dir>/service.log}, appended across restarts.
 */
final class ServiceProcess {
    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path dir;
    private final List<String> settings;
    private final int managementPort;
    private final String maxHeap;
    private Process process;
    private int starts;

    /**
     * @param settings {@code --set} values beside {@code management.port}, which this class adds
     */
    ServiceProcess(String name, Path dir, List<String> settings, int managementPort, String maxHeap) {
        this.name = name;
        this.dir = dir;
        this.settings = List.copyOf(settings);
        this.managementPort = managementPort;
        this.maxHeap = maxHeap;
    }

    String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    Path log() {
        return dir.resolve("service.log");
    }

    /** Starts the process; {@link #awaitReady} waits for it. The class path goes through CLASSPATH: ONNX Runtime crashes on long command lines. */
    void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: seven JVMs share two cores here, and C2's compile threads
        // and a parallel collector's threads would compete with the services themselves.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "dev.rendezvous.deploy.Main", "up", "--config", dir.resolve("rendezvous.yaml").toString(),
                "--set", "management.port=" + managementPort));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        Files.writeString(log(), "%n==== start %d of %s at %d ====%n".formatted(++starts, name, System.currentTimeMillis()),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        process = builder.start();
    }

    /**
     * Waits until the process started last is ready, starting it again (as systemd's {@code Restart=on-failure}
     * or a Kubernetes pod would) when it exits while starting — at most twice. A service exits when it cannot
     * reach Kafka within its start-up timeouts, which happened once on the overloaded box (a decoy's topic
     * check timed out while six JVMs started at once).
     *
     * @return how many times it had to be started again
     */
    int awaitReadySupervised(Duration atMost) throws Exception {
        for (int restarts = 0; ; restarts++) {
            try {
                awaitReady(atMost);
                return restarts;
            } catch (IllegalStateException e) {
                if (process.isAlive() || restarts == 2) {
                    throw e;
                }
                System.out.printf("chaos: %s exited while starting; starting it again (%s)%n", name, e.getMessage().lines().findFirst().orElse(""));
                start();
            }
        }
    }

    /** Waits until {@code /health/ready} answers 200; fails with the log's tail when the process dies or the time is up. */
    void awaitReady(Duration atMost) throws Exception {
        long until = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; log tail:\n" + logTail());
            }
            if (ready()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + atMost + "; log tail:\n" + logTail());
    }

    boolean ready() {
        try {
            HttpResponse<Void> response = PROBE.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The sum of a Prometheus counter's series on this process's {@code /metrics} (all labels), or -1 when it cannot be read. */
    double counter(String name) {
        try {
            HttpResponse<String> response = PROBE.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** kill -9 (on Unix {@code destroyForcibly} is SIGKILL), and waits until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 10 s");
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Writes a thread dump of the process ({@code jcmd <pid> Thread.print}) to {@code <dir>/<file>}, for a scenario that went wrong. */
    void dumpThreads(String file) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process dump = new ProcessBuilder(jcmd, Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                .redirectOutput(dir.resolve(file).toFile()).start();
        if (!dump.waitFor(30, TimeUnit.SECONDS)) {
            dump.destroyForcibly();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
