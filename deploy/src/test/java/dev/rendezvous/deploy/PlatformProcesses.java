package dev.rendezvous.deploy;

import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the fault tests under load share: scoring requests, platform services in processes of their own, group watching. */
final class PlatformProcesses {
    private PlatformProcesses() {
    }

    /** {@code POST /v1/score/fraud} with the caller's id and the features. */
    static HttpRequest score(Platform platform, String id, Map<String, Number> features) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/fraud"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString(new String(JsonCodec.encode(Map.of("features", features)))))
                .build();
    }

    /**
     * {@code rendezvous up --config <config> --set k=v ...} in a JVM of its own, output to {@code log},
     * as an operator runs one service per process. The class path goes through CLASSPATH, not -cp:
     * ONNX Runtime crashes on Linux when the command line is long (measured-facts).
     */
    static Process up(Path config, List<String> settings, String maxHeap, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "dev.rendezvous.deploy.Main", "up", "--config", config.toString()));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        return builder.start();
    }

    /** Waits (60 s at most) until {@code group} is stable with exactly {@code members} members. */
    static void awaitGroupMembers(KafkaSettings kafka, String group, int members) {
        try (var admin = kafka.newAdmin("test-group-watch")) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return description.groupState() == org.apache.kafka.common.GroupState.STABLE && description.members().size() == members;
            });
        }
    }
}
