package dev.rendezvous.runner.registry;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runner's place in the model registry: registers the version in {@code rdv.models} (keeping the role
 * the registry already gives it, unless retired), beats in {@code rdv.heartbeats} while the runner
 * consumes, follows the registry for role changes, and calls back once the version is retired.
 */
public final class RegistryMembership implements AutoCloseable {
    /** How often the registry view is checked for a role change; a map lookup, so cheap. */
    static final long WATCH_INTERVAL_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryMembership.class);

    private final ModelRegistration registered;
    private final RegistryView view;
    private final RegistryPublisher publisher;
    private final AtomicReference<ModelRole> role;
    private final Runnable onRetired;
    /** The manifest's {@code batching.maxWaitMs}, fixed for the runner's life. */
    private final int batchPauseMs;
    private final ScheduledExecutorService watcher;
    private final AtomicBoolean retired = new AtomicBoolean();
    private volatile boolean seenOwnRegistration;

    private RegistryMembership(ModelRegistration registered, RegistryView view, RegistryPublisher publisher, AtomicReference<ModelRole> role,
                               Runnable onRetired, int batchPauseMs) {
        this.registered = registered;
        this.batchPauseMs = batchPauseMs;
        this.view = view;
        this.publisher = publisher;
        this.role = role;
        this.onRetired = onRetired;
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "registry-watch-" + registered.key());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Registers and starts beating and watching.
     *
     * @param role      set to the registered role now, and to the registry's role whenever it changes
     * @param alive     whether the runner still consumes; heartbeats stop when it says no
     * @param onRetired called once, on the watcher thread, when the registry retires this version
     */
    public static RegistryMembership join(KafkaSettings kafka, ModelManifest manifest, Signature signature, RegistryView view, String instance,
                                          AtomicReference<ModelRole> role, BooleanSupplier alive, Runnable onRetired) {
        ModelRole initial = initialRole(view, manifest);
        ModelRegistration registration = new ModelRegistration(manifest.app(), manifest.name(), manifest.version(), initial,
                manifest.runtime().wireName(), manifest.sha256(), SignatureJson.toJson(signature, manifest.input()),
                JsonCodec.mapper().valueToTree(manifest.lineage()), System.currentTimeMillis(), "runner " + instance);
        RegistryPublisher publisher = new RegistryPublisher(kafka, "registry-" + kafka.topicPrefix() + manifest.consumerGroup() + "-" + instance);
        try {
            publisher.register(registration);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
        role.set(initial);
        publisher.startHeartbeats(registration, instance, alive);
        RegistryMembership membership = new RegistryMembership(registration, view, publisher, role, onRetired,
                manifest.batching().maxWaitMs());
        membership.watcher.scheduleWithFixedDelay(membership::watch, WATCH_INTERVAL_MS, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        LOG.info("{} of app {} registered as {}", manifest.ref(), manifest.app(), initial.wireName());
        return membership;
    }

    /**
     * Call before the runner consumes anything. A version's artifact is fixed at its first registration, retired or not (the version is burnt):
     * a manifest naming a registered version with another artifact's hash is refused.
     *
     * @throws ArtifactConflictException naming the version, both hashes and the artifact
     */
    public static void requireSameArtifact(RegistryView view, ModelManifest manifest) {
        if (manifest.sha256() == null) {
            return; // plug-ins and remote models have no artifact file to hash
        }
        view.registration(manifest.app(), manifest.ref()).ifPresent(existing -> {
            if (existing.artifactSha256() != null && !existing.artifactSha256().equalsIgnoreCase(manifest.sha256())) {
                throw new ArtifactConflictException(manifest.ref() + " of app " + manifest.app() + " is registered with artifact SHA-256 "
                        + existing.artifactSha256() + ", but this manifest's artifact " + manifest.artifact() + " has SHA-256 " + manifest.sha256()
                        + "; a version's artifact is fixed at its first registration: deploy the new artifact as a new version");
            }
        });
    }

    /** A promotion survives a restart: a version the registry knows keeps its role there, unless it was retired. */
    static ModelRole initialRole(RegistryView view, ModelManifest manifest) {
        return view.registration(manifest.app(), manifest.ref())
                .map(ModelRegistration::role)
                .filter(existing -> existing != ModelRole.RETIRED)
                .orElse(manifest.role());
    }

    public ModelRegistration registration() {
        return registered;
    }

    private void watch() {
        try {
            Optional<ModelRegistration> current = view.registration(registered.app(), registered.ref());
            if (current.isEmpty()) {
                return;
            }
            ModelRegistration entry = current.get();
            // Until the view has caught up with our own registration, it may still show an earlier
            // "retired" entry of this version, which must not stop the runner that just re-deployed it.
            if (!seenOwnRegistration) {
                seenOwnRegistration = entry.updatedAtMs() > registered.updatedAtMs()
                        || (entry.updatedAtMs() == registered.updatedAtMs() && entry.role() == registered.role());
                if (!seenOwnRegistration) {
                    return;
                }
            }
            ModelRole previous = role.getAndSet(entry.role());
            if (previous != entry.role()) {
                LOG.info("{} of app {}: role {} -> {}", registered.ref(), registered.app(), previous.wireName(), entry.role().wireName());
                if (entry.role() == ModelRole.LIVE && batchPauseMs > 0) {
                    LOG.warn("{} of app {} is live now but keeps the batching pause of its manifest ({} ms): a policy stage that "
                            + "serves it gets its answers up to {} ms late; redeploy it with batching.maxWaitMs: 0 if it is to be served first",
                            registered.ref(), registered.app(), batchPauseMs, batchPauseMs);
                }
            }
            if (entry.role() == ModelRole.RETIRED && retired.compareAndSet(false, true)) {
                onRetired.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: registry watch failed: {}", registered.key(), e.toString());
        }
    }

    /** Stops watching and beating, with one last heartbeat marked stopping. */
    @Override
    public void close() {
        watcher.shutdownNow();
        publisher.close();
    }
}
