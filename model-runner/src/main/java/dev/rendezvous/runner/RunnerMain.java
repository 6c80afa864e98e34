package dev.rendezvous.runner;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.runner.manifest.ManifestException;
import dev.rendezvous.runner.manifest.ModelManifest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one model runner on its own until the process is stopped:
 * {@code RunnerMain <manifest.yaml> <bootstrap-servers> [topic-prefix] [kafka-client.properties]}.
 */
public final class RunnerMain {
    private RunnerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: RunnerMain <manifest.yaml> <bootstrap-servers> [topic-prefix] [kafka-client.properties]");
            System.exit(2);
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.load(Path.of(args[0]));
        } catch (ManifestException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Map<String, String> clientProperties = args.length == 4 ? readProperties(Path.of(args[3])) : Map.of();
        KafkaSettings kafka = new KafkaSettings(args[1], clientProperties, args.length >= 3 ? args[2] : "", 1);
        ModelRunner runner = ModelRunner.start(kafka, manifest, RunnerOptions.defaults(), new SimpleMeterRegistry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            stopped.countDown();
        }, "runner-shutdown"));
        stopped.await();
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
