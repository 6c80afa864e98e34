package dev.rendezvous.runner;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.runner.manifest.ModelManifest;
import dev.rendezvous.runner.scoring.BatchModel;
import dev.rendezvous.runner.scoring.BatchScorer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final BatchModel model;
    private final KafkaProducer<String, byte[]> producer;
    private final RequestHandler handler;
    private final PollLoop<byte[]> loop;
    private boolean closed;

    private ModelRunner(ModelManifest manifest, String consumerGroup, BatchModel model, KafkaProducer<String, byte[]> producer,
                        RequestHandler handler, PollLoop<byte[]> loop) {
        this.manifest = manifest;
        this.consumerGroup = consumerGroup;
        this.model = model;
        this.producer = producer;
        this.handler = handler;
        this.loop = loop;
    }

    /** Starts a production runner: no artificial delay or failures, meters in a private registry. */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest) {
        return start(kafka, manifest, RunnerOptions.defaults(), new SimpleMeterRegistry());
    }

    /**
     * Loads the model, checks the app's requests and scores topics exist with equal partition counts,
     * and starts consuming on its own thread.
     *
     * @throws dev.rendezvous.runner.scoring.ModelLoadException when the model does not load as described
     * @throws IllegalStateException                            when the topics are missing or not co-partitioned
     */
    public static ModelRunner start(KafkaSettings kafka, ModelManifest manifest, RunnerOptions options, MeterRegistry registry) {
        long loadStart = System.nanoTime();
        BatchModel loaded = ModelRuntimes.load(manifest);
        BatchModel model = options.delayMs() > 0 ? new DelayedModel(loaded, options.delayMs()) : loaded;
        long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
        TopicNames topics = kafka.topics();
        // Prefixed like the topics, so that platforms (or test runs) sharing a cluster never share a group.
        String group = kafka.topicPrefix() + manifest.consumerGroup();
        String clientId = group + "-" + INSTANCES.incrementAndGet();
        KafkaProducer<String, byte[]> producer = null;
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            producer = kafka.newProducer(clientId);
            consumer = kafka.newConsumer(group, clientId, "latest");
            checkTopics(consumer, topics.requests(manifest.app()), topics.scores(manifest.app()));
            BatchScorer scorer = new BatchScorer(manifest, model, options.failures(), Clock.systemUTC());
            RequestHandler handler = new RequestHandler(manifest, scorer, producer, topics.scores(manifest.app()),
                    topics.deadLetter(manifest.app()), new RunnerMetrics(registry, manifest));
            String requests = topics.requests(manifest.app());
            PollLoop<byte[]> loop = new PollLoop<>(clientId, consumer, c -> handler.subscribe(c, requests), handler);
            ModelRunner runner = new ModelRunner(manifest, group, model, producer, handler, loop);
            loop.start();
            LOG.info("{} ({}, app {}) started: group {}, model loaded in {} ms, batches of up to {}{}", manifest.ref(),
                    manifest.role().wireName(), manifest.app(), group, loadMillis,
                    manifest.batching().maxBatch(), options.equals(RunnerOptions.defaults()) ? "" : ", test options " + options);
            return runner;
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close();
            }
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            model.close();
            throw e;
        }
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

    /** Stops consuming, sends what was scored, commits its offsets, leaves the group and frees the model. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.close();
        producer.close(Duration.ofSeconds(5));
        model.close();
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
