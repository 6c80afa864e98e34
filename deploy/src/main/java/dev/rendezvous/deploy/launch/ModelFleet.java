package dev.rendezvous.deploy.launch;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.runner.ModelHost;
import dev.rendezvous.runner.ModelRunner;
import dev.rendezvous.runner.RunnerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model runners of this process, by app and version, in one {@link ModelHost} per app: the app's
 * versions share one consumer of its requests topic (in the group of that set of versions, see
 * {@link ModelHost#hostGroup}) and every host here shares one producer. Each version registers itself in {@code rdv.models} and beats in
 * {@code rdv.heartbeats} while its host owns a partition; versions are deployed into, and leave, a
 * running host alone.
 */
final class ModelFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFleet.class);

    private final KafkaSettings kafka;
    private final RegistryView registry;
    private final MeterRegistry metrics;
    private final Map<String, ModelRunner> deployed = new LinkedHashMap<>();
    private final Map<String, ModelHost> hosts = new LinkedHashMap<>();
    /** One producer for every runner here: one sender thread, and fewer produce requests per request scored. */
    private KafkaProducer<String, byte[]> scoresProducer;

    ModelFleet(KafkaSettings kafka, RegistryView registry, MeterRegistry metrics) {
        this.kafka = kafka;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * Starts the configured versions: per app, one host in the group of that set of versions
     * ({@link ModelHost#hostGroup}), so that processes started with the same manifests share their
     * partitions and a process with other versions (a Kubernetes runner pod of one version) never
     * takes any from them.
     */
    synchronized void deployAll(List<ModelManifest> manifests, Function<ModelManifest, RunnerOptions> options) {
        Map<String, List<ModelManifest>> byApp = new LinkedHashMap<>();
        manifests.forEach(manifest -> byApp.computeIfAbsent(manifest.app(), app -> new ArrayList<>()).add(manifest));
        byApp.forEach((app, versions) -> {
            ModelHost host = hosts.computeIfAbsent(app, key -> ModelHost.start(kafka, key,
                    ModelHost.hostGroup(kafka, key, versions.stream().map(ModelManifest::ref).toList()), producer()));
            List<ModelManifest> fresh = versions.stream().filter(m -> !deployed.containsKey(ModelRegistration.key(app, m.ref()))).toList();
            // Together: all of them score the host's first poll (after a restart, the backlog since its last commit).
            for (ModelRunner runner : host.deploy(fresh, options, metrics, registry)) {
                deployed.put(ModelRegistration.key(app, runner.manifest().ref()), runner);
                LOG.info("model {} of app {} deployed as {} (host group {})", runner.manifest().ref(), app, runner.role(), runner.consumerGroup());
            }
        });
    }

    private KafkaProducer<String, byte[]> producer() {
        if (scoresProducer == null) {
            scoresProducer = kafka.newProducer(kafka.topicPrefix() + "model-fleet-" + ProcessHandle.current().pid());
        }
        return scoresProducer;
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
        hosts.values().forEach(host -> groups.add(host.consumerGroup()));
        return groups;
    }

    @Override
    public synchronized void close() {
        // Hosts, not runners one by one: a host that stops commits only what every version answered,
        // where a version leaving alone would release what it still owed.
        hosts.values().forEach(ModelHost::close);
        hosts.clear();
        deployed.clear();
        if (scoresProducer != null) {
            scoresProducer.close(Duration.ofSeconds(5));
            scoresProducer = null;
        }
    }
}
