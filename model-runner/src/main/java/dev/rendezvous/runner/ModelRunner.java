package dev.rendezvous.runner;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.runner.registry.RegistryMembership;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model version serving one application in a {@link ModelHost}: it scores in micro-batches every
 * request its host polls from {@code <app>.requests} and produces one
 * {@link dev.rendezvous.protocol.ModelScore} per request to {@code <app>.scores}.
 * {@link #start(KafkaSettings, ModelManifest, StandaloneOptions)} runs the version on its own: a host of
 * its own, consuming in the version's own group {@code <prefix>model.<name>.<version>} from the latest
 * offset; {@link ModelHost#deploy} runs it beside the app's other versions of the process.
 */
public final class ModelRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRunner.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ModelHost host;
    private final VersionLane lane;
    private final AtomicReference<ModelRole> role;
    /** Whether the host is this runner's alone (a version run on its own): closing the runner closes it. */
    private final boolean ownsHost;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RegistryMembership membership;
    private RegistryView ownedView;
    private boolean closed;
    private boolean finished;

    ModelRunner(ModelHost host, VersionLane lane, AtomicReference<ModelRole> role, boolean ownsHost) {
        this.host = host;
        this.lane = lane;
        this.role = role;
        this.ownsHost = ownsHost;
    }

    /**
     * Runs the version on its own: a host of its own, consuming in the version's own group from the
     * latest offset, as {@code options} say. A registered runner ({@link StandaloneOptions.OwnView} or
     * {@link StandaloneOptions.SharedView}) registers the version in {@code rdv.models} with its signature
     * and lineage, keeping the role the registry already gives it unless retired (else the manifest's
     * role); sends a heartbeat every second while it owns a partition and its model is responsive, and a
     * last one marked stopping on close; stamps scores with the registry's current role; and stops cleanly
     * once the registry retires it. An {@link StandaloneOptions.Unregistered} one only scores.
     *
     * @throws dev.rendezvous.model.runtimes.scoring.ModelLoadException when the model does not load as described
     * @throws IllegalStateException                            when the topics are missing or not co-partitioned, or the registration cannot be written
     * @throws InterruptedException                             when interrupted while its own registry view catches up
     */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest, StandaloneOptions options) throws InterruptedException {
        StandaloneOptions.Membership membership = options.membership();
        if (membership instanceof StandaloneOptions.SharedView shared) {
            return alone(kafka, manifest, options.runner(), options.meters(), shared.view());
        }
        if (membership instanceof StandaloneOptions.Unregistered) {
            return alone(kafka, manifest, options.runner(), options.meters(), null);
        }
        return withOwnView(kafka, manifest, options.runner(), options.meters());
    }

    /** Registered, with a registry view of its own, closed with the runner. */
    private static ModelRunner withOwnView(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry meters)
            throws InterruptedException {
        RegistryView view = RegistryView.start(kafka, "registry-view-" + kafka.topicPrefix() + manifest.consumerGroup() + "-" + INSTANCES.incrementAndGet());
        ModelRunner runner;
        try {
            runner = alone(kafka, manifest, options, meters, view);
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
        synchronized (runner) {
            runner.ownedView = view;
        }
        return runner;
    }

    /** The version on a host of its own, in the version's own consumer group. */
    private static ModelRunner alone(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry meters, RegistryView registry) {
        if (registry != null) {
            // Before the host starts: a runner refused for its artifact must not score a single request first.
            RegistryMembership.requireSameArtifact(registry, manifest);
        }
        // Prefixed like the topics, so that platforms (or test runs) sharing a cluster never share a group.
        ModelHost host = ModelHost.start(kafka, manifest.app(), kafka.topicPrefix() + manifest.consumerGroup(), null);
        try {
            return host.deploy(manifest, options, meters, registry, true);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    void join(KafkaSettings kafka, RegistryView registry) {
        String instance = ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + INSTANCES.incrementAndGet();
        // Live only while its host owns partitions (a restarted host waiting for its assignment, or one of more
        // instances than partitions, is no member the rendezvous should wait for), while the version is hosted,
        // and while its model is not stuck past callTimeoutMs (then it answers every request with an error at
        // once; it beats again once a stuck call returns).
        RegistryMembership joined = RegistryMembership.join(kafka, manifest(), lane.model().signature(), registry, instance, role,
                () -> isReady() && lane.model().isResponsive(), this::stopRetired);
        synchronized (this) {
            membership = joined;
        }
    }

    /** Called on the registry watcher's thread; closing (which stops that watcher) happens on another. */
    private void stopRetired() {
        LOG.info("{} of app {} was retired in the registry: stopping", manifest().ref(), manifest().app());
        Thread stopper = new Thread(this::close, "retire-" + manifest().app() + "-" + manifest().ref());
        stopper.setDaemon(false);
        stopper.start();
    }

    public ModelManifest manifest() {
        return lane.manifest();
    }

    VersionLane lane() {
        return lane;
    }

    /** The consumer group of its host: the topic prefix followed by {@code model.<name>.<version>} for a version run alone. */
    public String consumerGroup() {
        return host.consumerGroup();
    }

    /** Whether it is hosted and its host owns positioned partitions: a request produced from now on will be scored. */
    public boolean isReady() {
        return isRunning() && host.ownsPartitions();
    }

    /** Whether it is still hosted and its host still consumes. */
    public boolean isRunning() {
        synchronized (this) {
            if (closed) {
                return false;
            }
        }
        return lane.isRunning() && host.isRunning();
    }

    /** The role the registry gives this version now (the manifest's role when not registered). */
    public ModelRole role() {
        return role.get();
    }

    /** The registration this runner wrote, if it is a registered runner. */
    public Optional<ModelRegistration> registration() {
        synchronized (this) {
            return Optional.ofNullable(membership).map(RegistryMembership::registration);
        }
    }

    /** Waits until the runner has stopped (closed, or retired in the registry); false if the time ran out first. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops this version. Run alone: stops consuming, sends what was scored, commits its offsets, leaves
     * the group. In a shared host: leaves it — the host's next poll no longer reaches it, and what it
     * still owes no longer holds the host's commits — while the other versions go on. Then, when
     * registered, says "stopping" in a last heartbeat; and frees the model.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (ownsHost) {
            host.close();
        } else {
            host.undeploy(this, lane);
        }
        finish();
    }

    /** Its host stopped (and stopped its lane): the last heartbeat, and done. */
    void hostStopped() {
        synchronized (this) {
            closed = true;
        }
        lane.stop(false);
        finish();
    }

    private void finish() {
        RegistryMembership joined;
        RegistryView view;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            joined = membership;
            view = ownedView;
        }
        if (joined != null) {
            joined.close();
        }
        if (view != null) {
            view.close();
        }
        stopped.countDown();
        LOG.info("{} of app {} stopped", manifest().ref(), manifest().app());
    }
}
