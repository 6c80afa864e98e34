package dev.rendezvous.runner;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.runner.manifest.ModelManifest;
import dev.rendezvous.runner.scoring.BatchModel;
import dev.rendezvous.runner.scoring.BatchScorer;
import dev.rendezvous.runner.scoring.TimeLimitedModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.runner.registry.RegistryMembership;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model version serving one application: consumes {@code <app>.requests} in its own consumer
 * group {@code <prefix>model.<name>.<version>} from the latest offset, scores in micro-batches and produces
 * one {@link dev.rendezvous.protocol.ModelScore} per request to {@code <app>.scores}.
 */
public final class ModelRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRunner.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration TOPIC_LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private final ModelManifest manifest;
    private final String consumerGroup;
    private final TimeLimitedModel model;
    private final KafkaProducer<String, byte[]> producer;
    /** False when the producer is shared with other runners of the process (its owner closes it). */
    private final boolean ownsProducer;
    private final RequestHandler handler;
    private final PollLoop<byte[]> loop;
    private final AtomicReference<ModelRole> role;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RegistryMembership membership;
    private RegistryView ownedView;
    private boolean closed;

    private ModelRunner(ModelManifest manifest, String consumerGroup, TimeLimitedModel model, KafkaProducer<String, byte[]> producer,
                        boolean ownsProducer, RequestHandler handler, PollLoop<byte[]> loop, AtomicReference<ModelRole> role) {
        this.manifest = manifest;
        this.consumerGroup = consumerGroup;
        this.model = model;
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.handler = handler;
        this.loop = loop;
        this.role = role;
    }

    /**
     * Starts a production runner, registered (see {@link #start(KafkaSettings, ModelManifest, RunnerOptions, MeterRegistry, RegistryView)})
     * with a registry view of its own, meters in a private registry.
     */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest) throws InterruptedException {
        return startRegistered(kafka, manifest, RunnerOptions.defaults(), new SimpleMeterRegistry());
    }

    /**
     * Starts a runner that scores but is NOT registered: no entry in {@code rdv.models}, no heartbeats,
     * no reaction to retirement. For tests, and for launchers that register runners themselves.
     *
     * @throws dev.rendezvous.runner.scoring.ModelLoadException when the model does not load as described
     * @throws IllegalStateException                            when the topics are missing or not co-partitioned
     */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry registry) {
        return launch(kafka, manifest, options, registry, null);
    }

    /**
     * Starts a registered runner that follows {@code registry} (a view shared with the caller, which
     * keeps owning it): registers the version in {@code rdv.models} with its signature and lineage,
     * keeping the role the registry already gives it unless retired (else the manifest's role); sends a
     * heartbeat every second while consuming and a last one marked stopping on close; stamps scores
     * with the registry's current role; and stops consuming cleanly once the registry retires it.
     *
     * @throws dev.rendezvous.runner.scoring.ModelLoadException when the model does not load as described
     * @throws IllegalStateException                            when the topics are missing or the registration cannot be written
     */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry meters,
                                    RegistryView registry) {
        return start(kafka, manifest, options, meters, registry, null);
    }

    /**
     * Like {@link #start(KafkaSettings, ModelManifest, RunnerOptions, MeterRegistry, RegistryView)}, sending
     * its scores through {@code sharedProducer} (when not null), which the caller keeps owning and closes
     * after the runner. The runners of one process share one: one sender thread instead of one per model,
     * and the scores of one request from several models travel to the broker in the same produce request
     * when they are ready together.
     */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry meters,
                                    RegistryView registry, KafkaProducer<String, byte[]> sharedProducer) {
        // Before the poll loop starts: a runner refused for its artifact must not score a single request first.
        RegistryMembership.requireSameArtifact(registry, manifest);
        ModelRunner runner = launch(kafka, manifest, options, meters, sharedProducer);
        try {
            runner.join(kafka, registry);
            return runner;
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /** Like {@link #start(KafkaSettings, ModelManifest, RunnerOptions, MeterRegistry, RegistryView)}, with a registry view of its own, closed with the runner. */
    public static ModelRunner startRegistered(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry meters)
            throws InterruptedException {
        // The registry first: a runner refused for its artifact must not score a single request before it is refused.
        RegistryView view = RegistryView.start(kafka, "registry-view-" + kafka.topicPrefix() + manifest.consumerGroup() + "-" + INSTANCES.get());
        ModelRunner runner;
        try {
            RegistryMembership.requireSameArtifact(view, manifest);
            runner = launch(kafka, manifest, options, meters, null);
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
        try {
            synchronized (runner) {
                runner.ownedView = view;
            }
            runner.join(kafka, view);
            return runner;
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    private static ModelRunner launch(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry registry,
                                      KafkaProducer<String, byte[]> sharedProducer) {
        long loadStart = System.nanoTime();
        BatchModel loaded = ModelRuntimes.load(manifest);
        BatchModel slowed = options.delayMs() > 0 || options.hangingCalls() > 0 ? new DelayedModel(loaded, options) : loaded;
        TimeLimitedModel model = new TimeLimitedModel(slowed, manifest.callTimeoutMs(), manifest.app() + "/" + manifest.ref());
        long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
        TopicNames topics = kafka.topics();
        // Prefixed like the topics, so that platforms (or test runs) sharing a cluster never share a group.
        String group = kafka.topicPrefix() + manifest.consumerGroup();
        String clientId = group + "-" + INSTANCES.incrementAndGet();
        KafkaProducer<String, byte[]> producer = null;
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            producer = sharedProducer != null ? sharedProducer : kafka.newProducer(clientId);
            consumer = kafka.newConsumer(group, clientId, "latest");
            checkTopics(consumer, topics.requests(manifest.app()), topics.scores(manifest.app()));
            AtomicReference<ModelRole> role = new AtomicReference<>(manifest.role());
            BatchScorer scorer = new BatchScorer(manifest, model, options.failures(), Clock.systemUTC(), role::get);
            RunnerMetrics metrics = new RunnerMetrics(registry, manifest);
            metrics.watchStuckCalls(model);
            RequestHandler handler = new RequestHandler(manifest, scorer, producer, topics.scores(manifest.app()), metrics);
            String requests = topics.requests(manifest.app());
            PollLoop<byte[]> loop = new PollLoop<>(clientId, consumer, c -> handler.subscribe(c, requests), handler);
            ModelRunner runner = new ModelRunner(manifest, group, model, producer, sharedProducer == null, handler, loop, role);
            loop.start();
            LOG.info("{} ({}, app {}, runtime {}) started: group {}, model loaded in {} ms, batches of up to {}, pause {}, call timeout {} ms{}",
                    manifest.ref(), manifest.role().wireName(), manifest.app(), manifest.runtime().wireName(), group, loadMillis,
                    manifest.batching().maxBatch(), manifest.batching().maxWaitMs() > 0 ? manifest.batching().maxWaitMs() + " ms after each batch" : "none",
                    manifest.callTimeoutMs(),
                    options.equals(RunnerOptions.defaults()) ? "" : ", test options " + options);
            return runner;
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close();
            }
            if (producer != null && sharedProducer == null) {
                producer.close(Duration.ZERO);
            }
            model.close();
            throw e;
        }
    }

    private void join(KafkaSettings kafka, RegistryView registry) {
        String instance = ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + INSTANCES.get();
        // Live only while it owns partitions (a restarted runner waiting for its assignment, or one of more
        // instances than partitions, is no member the rendezvous should wait for) and while its model is not
        // stuck past callTimeoutMs (then it answers every request with an error at once; it beats again once a
        // stuck call returns).
        RegistryMembership joined = RegistryMembership.join(kafka, manifest, model.signature(), registry, instance, role,
                () -> isReady() && model.isResponsive(), this::stopRetired);
        synchronized (this) {
            membership = joined;
        }
    }

    /** Called on the registry watcher's thread; closing (which stops that watcher) happens on another. */
    private void stopRetired() {
        LOG.info("{} of app {} was retired in the registry: stopping", manifest.ref(), manifest.app());
        Thread stopper = new Thread(this::close, "retire-" + consumerGroup);
        stopper.setDaemon(false);
        stopper.start();
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The consumer group: the topic prefix followed by {@code model.<name>.<version>}. */
    public String consumerGroup() {
        return consumerGroup;
    }

    /** Whether partitions are assigned and positioned: a request produced from now on will be scored. */
    public boolean isReady() {
        return handler.isReady() && loop.isRunning();
    }

    public boolean isRunning() {
        return loop.isRunning();
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
     * Stops consuming, sends what was scored, commits its offsets, leaves the group, says "stopping" in a
     * last heartbeat (when registered) and frees the model.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.close();
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
        if (membership != null) {
            membership.close();
        }
        if (ownedView != null) {
            ownedView.close();
        }
        model.close();
        handler.metrics().close();
        stopped.countDown();
        LOG.info("{} stopped", manifest.ref());
    }

    private static void checkTopics(KafkaConsumer<byte[], byte[]> consumer, String requests, String scores) {
        int requestPartitions = partitions(consumer, requests);
        int scorePartitions = partitions(consumer, scores);
        if (requestPartitions != scorePartitions) {
            throw new IllegalStateException("topic " + requests + " has " + requestPartitions + " partitions but " + scores + " has "
                    + scorePartitions + "; scores go to the partition number of their request, so both need the same count");
        }
    }

    private static int partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, TOPIC_LOOKUP_TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; create the application's topics before starting a runner");
        }
        return partitions.size();
    }
}
