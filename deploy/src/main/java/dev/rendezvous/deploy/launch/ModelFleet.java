package dev.rendezvous.deploy.launch;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.runner.ModelRunner;
import dev.rendezvous.runner.RunnerOptions;
import dev.rendezvous.runner.manifest.ModelManifest;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model runners of this process, by app and version; each registers itself in
 * {@code rdv.models} and beats in {@code rdv.heartbeats} while its consumer runs.
 */
final class ModelFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFleet.class);

    private final KafkaSettings kafka;
    private final RegistryView registry;
    private final MeterRegistry metrics;
    private final Map<String, ModelRunner> deployed = new LinkedHashMap<>();
    /** One producer for every runner here: one sender thread, and fewer produce requests per request scored. */
    private KafkaProducer<String, byte[]> scoresProducer;

    ModelFleet(KafkaSettings kafka, RegistryView registry, MeterRegistry metrics) {
        this.kafka = kafka;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * Starts a registered runner for the manifest: it registers itself (a version already in the
     * registry keeps its role there, so a promotion survives a restart), beats while it consumes,
     * and stops by itself when retired.
     */
    synchronized ModelRunner deploy(ModelManifest manifest, RunnerOptions options) {
        String key = ModelRegistration.key(manifest.app(), manifest.ref());
        if (deployed.containsKey(key)) {
            throw new IllegalStateException(manifest.ref() + " of app " + manifest.app() + " is already running here");
        }
        if (scoresProducer == null) {
            scoresProducer = kafka.newProducer(kafka.topicPrefix() + "model-fleet-" + ProcessHandle.current().pid());
        }
        ModelRunner runner = ModelRunner.start(kafka, manifest, options, metrics, registry, scoresProducer);
        deployed.put(key, runner);
        LOG.info("model {} of app {} deployed as {} (runner group {})", manifest.ref(), manifest.app(), runner.role(), runner.consumerGroup());
        return runner;
    }

    /** Stops one runner (it says "stopping" in its last heartbeat, so nobody waits for it). */
    synchronized boolean stop(String app, ModelRef ref) {
        ModelRunner stopped = deployed.remove(ModelRegistration.key(app, ref));
        if (stopped == null) {
            return false;
        }
        stopped.close();
        return true;
    }

    synchronized List<ModelRef> refs(String app) {
        List<ModelRef> refs = new ArrayList<>();
        deployed.values().forEach(runner -> {
            if (runner.manifest().app().equals(app)) {
                refs.add(runner.manifest().ref());
            }
        });
        return refs;
    }

    /**
     * What keeps this process's runners from serving: a runner whose poll loop died, or one that owns
     * no partition of its requests topic (yet). A retired version stops on purpose and is no problem.
     */
    synchronized List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (ModelRunner runner : deployed.values()) {
            String name = "model " + runner.manifest().ref() + " of app " + runner.manifest().app();
            if (runner.role() == ModelRole.RETIRED) {
                continue;
            }
            if (!runner.isRunning()) {
                problems.add(name + ": its runner stopped consuming");
            } else if (!runner.isReady()) {
                problems.add(name + ": owns no partition of its requests topic (yet)");
            }
        }
        return problems;
    }

    synchronized List<String> consumerGroups() {
        List<String> groups = new ArrayList<>();
        deployed.values().forEach(runner -> groups.add(runner.consumerGroup()));
        return groups;
    }

    @Override
    public synchronized void close() {
        deployed.values().forEach(ModelRunner::close);
        deployed.clear();
        if (scoresProducer != null) {
            scoresProducer.close(Duration.ofSeconds(5));
            scoresProducer = null;
        }
    }
}
