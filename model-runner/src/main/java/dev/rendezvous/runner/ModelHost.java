package dev.rendezvous.runner;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.ModelRuntimes;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.TimeLimitedModel;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.runner.registry.RegistryMembership;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model versions of one application in one process, behind ONE consumer of {@code <app>.requests}
 * and one producer: each poll is decoded once and handed to every hosted version, each version scores
 * on its own thread and sends its scores the moment its model answers, and a poll's offsets are
 * committed once every version it was handed to has sent its scores (or left). Versions are deployed
 * into a running host and leave it ({@link ModelRunner#close()}, or retirement) alone, without
 * disturbing the others; each still registers and heartbeats on its own.
 *
 * <p>All hosts of one group must host the same versions: they split the partitions between them, so a
 * version hosted by only some of them would miss the requests of the others' partitions; hence the
 * group is named after the set of versions a host starts with ({@link #hostGroup}). A version
 * deployed on its own ({@link ModelRunner#start}, {@code model deploy}) gets a host of its
 * own in its own group, {@code <prefix>model.<name>.<version>}.
 */
public final class ModelHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelHost.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration TOPIC_LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaSettings kafka;
    private final String app;
    private final String group;
    private final KafkaProducer<String, byte[]> producer;
    private final boolean ownsProducer;
    private final RequestFanOut fanOut;
    private final PollLoop<byte[]> loop;
    /** Closed by the poll loop once it has started; by {@link #close()} if it never did. */
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ModelRunner> runners = new ArrayList<>();
    private boolean closed;
    /** Polling starts with the first versions: a poll with nobody to score it would be committed unscored. */
    private boolean polling;

    private ModelHost(KafkaSettings kafka, String app, String group, KafkaProducer<String, byte[]> producer, boolean ownsProducer,
                      RequestFanOut fanOut, PollLoop<byte[]> loop, KafkaConsumer<byte[], byte[]> consumer) {
        this.kafka = kafka;
        this.app = app;
        this.group = group;
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.fanOut = fanOut;
        this.loop = loop;
        this.consumer = consumer;
    }

    /**
     * The group of the hosts that run this set of an app's versions: processes that host the same set
     * share it (and split the partitions), processes with different sets never do, so each version
     * sees every request. One version is the version's own group, {@code <prefix>model.<name>.<version>},
     * as when it runs alone; several are {@code <prefix>model-host.<app>.<name>@<version>+...}, sorted.
     */
    public static String hostGroup(KafkaSettings kafka, String app, Collection<ModelRef> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a model host of app " + app + " needs at least one version to name its group");
        }
        List<String> refs = versions.stream().map(ModelRef::toString).sorted().distinct().toList();
        if (refs.size() == 1) {
            ModelRef only = versions.iterator().next();
            return kafka.topicPrefix() + "model." + only.name() + "." + only.version();
        }
        return kafka.topics().group("model-host." + app + "." + String.join("+", refs));
    }

    /**
     * Prepares a consumer of {@code <app>.requests} in {@code group} and the producer. It polls from
     * the first {@link #deploy}, from the group's committed offset, else the latest (a new group
     * sees live traffic only), so that nothing is polled, and committed, before a version can score it.
     *
     * @param sharedProducer the producer for the scores, which the caller keeps owning and closes after
     *                       the host; null for one of the host's own
     * @throws IllegalStateException when the topics are missing or not co-partitioned
     */
    public static ModelHost start(KafkaSettings kafka, String app, String group, KafkaProducer<String, byte[]> sharedProducer) {
        TopicNames topics = kafka.topics();
        String clientId = group + "-" + INSTANCES.incrementAndGet();
        KafkaProducer<String, byte[]> producer = null;
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            producer = sharedProducer != null ? sharedProducer : kafka.newProducer(clientId);
            consumer = kafka.newConsumer(group, clientId, "latest");
            checkTopics(consumer, topics.requests(app), topics.scores(app));
            RequestFanOut fanOut = new RequestFanOut(app, clientId, producer, RequestFanOut.COMMIT_INTERVAL);
            String requests = topics.requests(app);
            PollLoop<byte[]> loop = new PollLoop<>(clientId, consumer, c -> fanOut.subscribe(c, requests), fanOut);
            return new ModelHost(kafka, app, group, producer, sharedProducer == null, fanOut, loop, consumer);
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close();
            }
            if (producer != null && sharedProducer == null) {
                producer.close(Duration.ZERO);
            }
            throw e;
        }
    }

    /**
     * Loads the manifest's model and adds it to the running host: it scores every request polled from
     * then on. With a {@code registry} the version registers and heartbeats as
     * {@link ModelRunner#start(KafkaSettings, ModelManifest, StandaloneOptions)}
     * describes, and leaves the host by itself once retired; without one it is not registered (tests).
     *
     * @throws dev.rendezvous.model.runtimes.scoring.ModelLoadException when the model does not load as described
     * @throws IllegalArgumentException                         when the manifest is for another app
     * @throws IllegalStateException                            when the version is hosted here already, or the host is closed
     */
    public ModelRunner deploy(ModelManifest manifest, RunnerOptions options, MeterRegistry meters, RegistryView registry) {
        return deploy(manifest, options, meters, registry, false);
    }

    ModelRunner deploy(ModelManifest manifest, RunnerOptions options, MeterRegistry meters, RegistryView registry, boolean ownsHost) {
        return deploy(List.of(manifest), m -> options, meters, registry, ownsHost).get(0);
    }

    /**
     * Deploys several versions at once: every model is loaded before any of them is attached, and
     * they are attached together, so that versions starting with the host (a restart) all score the
     * same first poll — the backlog since the group's last commit — instead of the first one loaded
     * alone. Same errors as {@link #deploy(ModelManifest, RunnerOptions, MeterRegistry, RegistryView)};
     * on one, none of them is deployed.
     */
    public List<ModelRunner> deploy(List<ModelManifest> manifests, java.util.function.Function<ModelManifest, RunnerOptions> options,
                                    MeterRegistry meters, RegistryView registry) {
        return deploy(manifests, options, meters, registry, false);
    }

    private List<ModelRunner> deploy(List<ModelManifest> manifests, java.util.function.Function<ModelManifest, RunnerOptions> options,
                                     MeterRegistry meters, RegistryView registry, boolean ownsHost) {
        for (ModelManifest manifest : manifests) {
            check(manifest, registry);
        }
        List<ModelRunner> loaded = new ArrayList<>();
        try {
            for (ModelManifest manifest : manifests) {
                loaded.add(load(manifest, options.apply(manifest), meters, ownsHost));
            }
        } catch (RuntimeException e) {
            loaded.forEach(ModelRunner::close);
            throw e;
        }
        synchronized (this) {
            if (closed) {
                loaded.forEach(ModelRunner::close);
                throw new IllegalStateException("the model host of app " + app + " is closed");
            }
            runners.addAll(loaded);
            loaded.forEach(runner -> fanOut.attach(runner.lane()));
            if (!polling) {
                polling = true;
                loop.start();
            }
        }
        if (registry != null) {
            for (ModelRunner runner : loaded) {
                try {
                    runner.join(kafka, registry);
                } catch (RuntimeException e) {
                    loaded.forEach(ModelRunner::close);
                    throw e;
                }
            }
        }
        return loaded;
    }

    private void check(ModelManifest manifest, RegistryView registry) {
        if (!manifest.app().equals(app)) {
            throw new IllegalArgumentException(manifest.ref() + " is a model of app '" + manifest.app() + "'; this host serves app '" + app + "'");
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the model host of app " + app + " is closed");
            }
            if (runners.stream().anyMatch(r -> r.manifest().ref().equals(manifest.ref()))) {
                throw new IllegalStateException(manifest.ref() + " of app " + app + " is already hosted here");
            }
        }
        if (registry != null) {
            // Before the version is attached: one refused for its artifact must not score a single request first.
            RegistryMembership.requireSameArtifact(registry, manifest);
        }
    }

    /** Loads the model and starts its lane, not yet attached: it gets no request until the caller attaches it. */
    private ModelRunner load(ModelManifest manifest, RunnerOptions options, MeterRegistry meters, boolean ownsHost) {
        long loadStart = System.nanoTime();
        BatchModel loaded = ModelRuntimes.load(manifest);
        BatchModel slowed = options.delayMs() > 0 || options.hangingCalls() > 0 ? new DelayedModel(loaded, options) : loaded;
        TimeLimitedModel model = new TimeLimitedModel(slowed, manifest.callTimeoutMs(), manifest.app() + "/" + manifest.ref());
        long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
        AtomicReference<ModelRole> role = new AtomicReference<>(manifest.role());
        VersionLane lane;
        try {
            BatchScorer scorer = new BatchScorer(manifest, model, options.failures(), Clock.systemUTC(), role::get);
            RunnerMetrics metrics = new RunnerMetrics(meters, manifest);
            metrics.watchStuckCalls(model);
            lane = new VersionLane(manifest, scorer, model, metrics, producer, kafka.topics().scores(app)).start();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        LOG.info("{} ({}, app {}, runtime {}) started in host {}: model loaded in {} ms, batches of up to {}, pause {}, call timeout {} ms{}",
                manifest.ref(), manifest.role().wireName(), app, manifest.runtime().wireName(), group, loadMillis,
                manifest.batching().maxBatch(), manifest.batching().maxWaitMs() > 0 ? manifest.batching().maxWaitMs() + " ms after each batch" : "none",
                manifest.callTimeoutMs(), options.equals(RunnerOptions.defaults()) ? "" : ", test options " + options);
        return new ModelRunner(this, lane, role, ownsHost);
    }

    /** Detaches one version: no request goes to it from the next poll on, and what it still owes is released. */
    void undeploy(ModelRunner runner, VersionLane lane) {
        synchronized (this) {
            runners.remove(runner);
        }
        fanOut.detach(lane);
        lane.stop(true);
    }

    public String app() {
        return app;
    }

    /** The consumer group this host consumes in. */
    public String consumerGroup() {
        return group;
    }

    /** Whether it consumes (or, before its first version, is ready to). */
    public boolean isRunning() {
        synchronized (this) {
            if (!polling) {
                return !closed;
            }
        }
        return loop.isRunning();
    }

    /** Whether partitions are assigned and positioned: a request produced from now on reaches every hosted version. */
    public boolean ownsPartitions() {
        return fanOut.ownsPartitions() && loop.isRunning();
    }

    /** The versions hosted now. */
    public synchronized List<ModelRef> versions() {
        return runners.stream().map(r -> r.manifest().ref()).toList();
    }

    /**
     * Stops consuming; each version finishes the batch it is scoring, the scores are flushed and the
     * offsets every version is done with committed; the consumer leaves the group; each registered
     * version says "stopping" in a last heartbeat.
     */
    @Override
    public void close() {
        List<ModelRunner> hosted;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            hosted = List.copyOf(runners);
            runners.clear();
        }
        // The fan-out stops the versions on the loop thread (no poll hands them work any more), then flushes and commits.
        if (polling) {
            loop.close();
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
        hosted.forEach(ModelRunner::hostStopped);
        LOG.info("model host {} of app {} stopped", group, app);
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
