package dev.rendezvous.bench;

import dev.rendezvous.bench.BenchOptions.PlatformMode;
import dev.rendezvous.bench.targets.PlatformInstance;
import dev.rendezvous.bench.targets.PlatformProcess;
import dev.rendezvous.bench.targets.PlatformUnderTest;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the platform under test where the run's mode says: in this JVM on the bench's broker, or
 * with the README's command in a JVM of its own (broker inside it). Each start has a name; every start
 * but the comparison's own gets its own directory and, in this JVM, its own topic prefix, so that
 * the ablation's steps share no state.
 */
final class PlatformLauncher {
    /** A cold JVM on a busy 2-core machine: broker format and start, ONNX sessions, group joins (~15-30 s seen). */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final String MAIN = "platform";

    private final PlatformMode mode;
    private final Path jar;
    private final Path work;
    private final Path trainedModels;
    private final EmbeddedKafkaBroker broker;

    /**
     * @param trainedModels the demo models, already trained
     * @param broker        the bench's broker in the in-JVM mode; null in the process mode
     */
    PlatformLauncher(BenchOptions options, Path work, Path trainedModels, EmbeddedKafkaBroker broker) {
        this.mode = options.platform();
        this.jar = mode == PlatformMode.PROCESS ? PlatformProcess.launcherJar(options.platformJar()) : null;
        this.work = work;
        this.trainedModels = trainedModels;
        this.broker = broker;
        if ((broker == null) != (mode == PlatformMode.PROCESS)) {
            throw new IllegalArgumentException("a broker of the bench's own in the in-JVM mode, and only then");
        }
    }

    /** Where the platform started under {@code name} finds the demo models (and any manifest written beside them). */
    Path modelsDir(String name) {
        return mode == PlatformMode.PROCESS ? directory(name).resolve("data").resolve("models") : trainedModels;
    }

    /** Starts the platform named {@code name} with {@code settings} (config keys) over the bench's; returns once it is ready. */
    PlatformInstance start(String name, Map<String, String> settings) throws Exception {
        if (mode == PlatformMode.PROCESS) {
            return PlatformProcess.start(jar, directory(name), trainedModels, settings, READY_TIMEOUT);
        }
        if (MAIN.equals(name)) {
            return PlatformUnderTest.start(broker.bootstrapServers(), work, settings);
        }
        Map<String, String> own = new LinkedHashMap<>();
        own.put("kafka.topicPrefix", PlatformUnderTest.TOPIC_PREFIX + name + ".");
        own.put("models.demoDir", trainedModels.toString());
        own.putAll(settings);
        return PlatformUnderTest.start(broker.bootstrapServers(), directory(name), own);
    }

    private Path directory(String name) {
        return MAIN.equals(name) && mode == PlatformMode.IN_JVM ? work : work.resolve(name);
    }
}
