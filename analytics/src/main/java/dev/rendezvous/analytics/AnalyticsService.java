package dev.rendezvous.analytics;

import dev.rendezvous.kafka.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics service: one Kafka Streams instance running {@link AnalyticsTopology} for the
 * configured apps, under the application id {@code <prefix>analytics}. It only reads the request
 * path's topics, off it: nothing on the path waits for it.
 */
public final class AnalyticsService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsService.class);

    private final KafkaStreams streams;

    private AnalyticsService(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The consumer group (Streams application id) of the service under {@code kafka}'s prefix. */
    public static String applicationId(KafkaSettings kafka) {
        return kafka.topics().group("analytics");
    }

    /** Starts the service and waits (up to {@code startTimeout}) until its tasks run. */
    public static AnalyticsService start(KafkaSettings kafka, List<String> apps, AnalyticsSettings settings, MeterRegistry registry,
                                         Duration startTimeout) throws InterruptedException {
        Properties props = new Properties();
        props.putAll(kafka.adminConfig("analytics"));
        props.remove("client.id");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(kafka));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, kafka.replicationFactor());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Commits (and so the changelog's flushes) once per emit interval: what a restart re-counts is bounded by it.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.emitIntervalMs());
        // Nothing here depends on the order of records across the two topics (requests settle by wall clock):
        // process what is fetched at once rather than idle for the other partition of a task.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Fetch in batches: a request is counted settleMs (2 s) after its first record anyway, and a
        // fetch per few records kept the stream thread polling continuously at the bench's rates. The main
        // consumer only: restoring the window store at start-up must not wait 250 ms on every fetch.
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 * 1024);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 250);
        // A new deployment starts with live traffic: reading a week of retained scores first would delay every figure.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        KafkaStreams streams = new KafkaStreams(AnalyticsTopology.build(kafka.topics(), apps, settings, new AnalyticsMeters(registry)), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("analytics stream thread failed; the service stops: {}", e.toString(), e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        AnalyticsService service = new AnalyticsService(streams);
        long startNanos = System.nanoTime();
        streams.start();
        long until = System.nanoTime() + startTimeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > until || !streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                service.close();
                throw new IllegalStateException("analytics did not reach RUNNING within " + startTimeout + " (state " + streams.state() + ")");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        LOG.info("analytics running for apps {} after {} ms (windows {} ms, application id {})", apps,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), settings.windowsMs(), applicationId(kafka));
        return service;
    }

    /** Whether the service is processing (or rebalancing, which it recovers from on its own). */
    public boolean isRunning() {
        return streams.state().isRunningOrRebalancing();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(10));
    }
}
