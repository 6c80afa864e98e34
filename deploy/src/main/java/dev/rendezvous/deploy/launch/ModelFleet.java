package dev.rendezvous.deploy.launch;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.runner.ModelRunner;
import dev.rendezvous.runner.RunnerOptions;
import dev.rendezvous.runner.manifest.ModelManifest;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model runners of this process: each deployed with its manifest, registered in
 * {@code rdv.models}, and beating in {@code rdv.heartbeats} while its consumer runs.
 */
final class ModelFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFleet.class);

    private record Deployed(ModelRunner runner, RegistryPublisher publisher) {
    }

    private final KafkaSettings kafka;
    private final RegistryView registry;
    private final MeterRegistry metrics;
    private final Map<String, Deployed> deployed = new LinkedHashMap<>();

    ModelFleet(KafkaSettings kafka, RegistryView registry, MeterRegistry metrics) {
        this.kafka = kafka;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * Starts a runner for the manifest and registers it. A version already in the registry keeps
     * the role it has there (a promotion survives a restart), unless it was retired.
     */
    synchronized ModelRunner deploy(ModelManifest manifest, RunnerOptions options) {
        String key = ModelRegistration.key(manifest.app(), manifest.ref());
        if (deployed.containsKey(key)) {
            throw new IllegalStateException(manifest.ref() + " of app " + manifest.app() + " is already running here");
        }
        ModelRole role = registry.registration(manifest.app(), manifest.ref())
                .map(ModelRegistration::role)
                .filter(existing -> existing != ModelRole.RETIRED)
                .orElse(manifest.role());
        ModelRegistration registration = new ModelRegistration(manifest.app(), manifest.name(), manifest.version(), role,
                manifest.runtime().wireName(), manifest.sha256(), null,
                JsonCodec.mapper().valueToTree(manifest.lineage()), System.currentTimeMillis());
        ModelRunner runner = ModelRunner.start(kafka, manifest, options, metrics);
        RegistryPublisher publisher = new RegistryPublisher(kafka, "registry-" + manifest.consumerGroup());
        publisher.register(registration);
        publisher.startHeartbeats(registration, instanceName(), runner::isRunning);
        deployed.put(key, new Deployed(runner, publisher));
        LOG.info("model {} of app {} deployed as {} (runner group {})", manifest.ref(), manifest.app(), role, runner.consumerGroup());
        return runner;
    }

    /** Stops one runner (it says "stopping" in its last heartbeat, so nobody waits for it). */
    synchronized boolean stop(String app, ModelRef ref) {
        Deployed stopped = deployed.remove(ModelRegistration.key(app, ref));
        if (stopped == null) {
            return false;
        }
        stopped.runner().close();
        stopped.publisher().close();
        return true;
    }

    synchronized List<ModelRef> refs(String app) {
        List<ModelRef> refs = new ArrayList<>();
        deployed.values().forEach(d -> {
            if (d.runner().manifest().app().equals(app)) {
                refs.add(d.runner().manifest().ref());
            }
        });
        return refs;
    }

    synchronized List<String> consumerGroups() {
        List<String> groups = new ArrayList<>();
        deployed.values().forEach(d -> groups.add(d.runner().consumerGroup()));
        return groups;
    }

    @Override
    public synchronized void close() {
        for (Deployed d : deployed.values()) {
            d.runner().close();
            d.publisher().close();
        }
        deployed.clear();
    }

    private static String instanceName() {
        return ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
