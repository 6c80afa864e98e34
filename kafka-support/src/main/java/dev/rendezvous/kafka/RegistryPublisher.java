package dev.rendezvous.kafka;

import dev.rendezvous.protocol.Heartbeat;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes registrations to {@code rdv.models} and, for a running model runner instance, a heartbeat to
 * {@code rdv.heartbeats} every second until closed (then one last heartbeat marked stopping, so the
 * rendezvous stops waiting for it at once).
 */
public final class RegistryPublisher implements AutoCloseable {
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaSettings settings;
    private ScheduledExecutorService beats;
    private Heartbeat lastBeat;
    private boolean closed;

    public RegistryPublisher(KafkaSettings settings, String clientId) {
        this.settings = settings;
        this.producer = settings.newProducer(clientId);
    }

    /** Writes a registration and waits until Kafka has it. */
    public void register(ModelRegistration registration) {
        send(settings.topics().models(), registration.key(), JsonCodec.encode(registration));
    }

    /** Starts beating for one runner instance, at each beat only while {@code alive} says so. */
    public synchronized void startHeartbeats(ModelRegistration member, String instance, java.util.function.BooleanSupplier alive) {
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heartbeat-" + member.key());
            thread.setDaemon(true);
            return thread;
        });
        beats.scheduleAtFixedRate(() -> {
            if (alive.getAsBoolean()) {
                beat(member, instance, false);
            }
        }, 0, HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat(ModelRegistration member, String instance, boolean stopping) {
        Heartbeat beat = new Heartbeat(member.app(), member.name(), member.version(), instance, System.currentTimeMillis(), stopping);
        synchronized (this) {
            lastBeat = beat;
        }
        producer.send(new ProducerRecord<>(settings.topics().heartbeats(), beat.key(), JsonCodec.encode(beat)), (metadata, error) -> {
            if (error != null) {
                LOG.warn("heartbeat of {} not sent: {}", beat.key(), error.toString());
            }
        });
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + key + " to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write " + key + " to " + topic + ": " + e, e);
        }
    }

    /** Stops beating, says "stopping" once, and closes the producer; closing again does nothing. */
    @Override
    public void close() {
        Heartbeat last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (beats != null) {
                beats.shutdownNow();
            }
            last = lastBeat;
        }
        if (last != null) {
            Heartbeat stopping = new Heartbeat(last.app(), last.name(), last.version(), last.instance(), System.currentTimeMillis(), true);
            producer.send(new ProducerRecord<>(settings.topics().heartbeats(), stopping.key(), JsonCodec.encode(stopping)));
        }
        producer.close(Duration.ofSeconds(5));
    }
}
