package dev.rendezvous.gateway;

import dev.rendezvous.protocol.TopicProvisioner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Decides whether the gateway is ready: Kafka answers, every topic it needs exists, and its reply
 * listener runs. Checked in the background every two seconds, so that {@code /health/ready} never
 * blocks on Kafka. A check that reached Kafka also tells {@link KafkaAvailability}, which is how the
 * gateway learns that Kafka is back while it refuses requests (and so sends nothing).
 */
final class ReadinessProbe implements AutoCloseable {
    private final TopicProvisioner topics;
    private final List<String> requiredTopics;
    private final BooleanSupplier replyListenerRunning;
    private final KafkaAvailability kafka;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "gateway-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private volatile List<String> problems = List.of("not checked yet");

    ReadinessProbe(TopicProvisioner topics, List<String> requiredTopics, BooleanSupplier replyListenerRunning, KafkaAvailability kafka) {
        this.topics = topics;
        this.requiredTopics = List.copyOf(requiredTopics);
        this.replyListenerRunning = replyListenerRunning;
        this.kafka = kafka;
    }

    ReadinessProbe start() {
        check();
        scheduler.scheduleWithFixedDelay(this::check, 2, 2, TimeUnit.SECONDS);
        return this;
    }

    /** Empty when ready; otherwise what is missing. */
    List<String> problems() {
        return problems;
    }

    private void check() {
        List<String> found = new ArrayList<>();
        long startedAtNanos = System.nanoTime();
        if (topics.allExist(requiredTopics)) {
            kafka.reachable(startedAtNanos);
        } else {
            found.add("Kafka is unreachable or a topic is missing (need " + requiredTopics + ")");
        }
        if (!replyListenerRunning.getAsBoolean()) {
            found.add("the reply listener is not running");
        }
        problems = List.copyOf(found);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
