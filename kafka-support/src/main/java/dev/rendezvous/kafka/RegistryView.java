package dev.rendezvous.kafka;

import dev.rendezvous.protocol.Heartbeat;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live, read-only view of the model registry ({@code rdv.models}) and of runner heartbeats
 * ({@code rdv.heartbeats}). A member is alive while one of its runner instances has sent a
 * heartbeat within {@link #HEARTBEAT_TIMEOUT_MS} and has not said it is stopping.
 */
public final class RegistryView implements AutoCloseable {
    /** Runners beat every second; three missed beats mean dead. */
    public static final long HEARTBEAT_TIMEOUT_MS = 3_000;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryView.class);

    private final Map<String, ModelRegistration> registrations = new ConcurrentHashMap<>();
    private final Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;

    private RegistryView(KafkaSettings settings, String clientId) {
        String modelsTopic = settings.topics().models();
        reader = new CompactedTopicReader(settings, clientId, List.of(modelsTopic, settings.topics().heartbeats()), record -> {
            if (record.topic().equals(modelsTopic)) {
                apply(record, registrations, ModelRegistration.class);
            } else {
                apply(record, heartbeats, Heartbeat.class);
            }
        });
    }

    /** Starts following the registry and waits (up to 30 s) until its current content is read. */
    public static RegistryView start(KafkaSettings settings, String clientId) throws InterruptedException {
        RegistryView view = new RegistryView(settings, clientId);
        view.reader.start();
        if (!view.reader.awaitCaughtUp(Duration.ofSeconds(30))) {
            LOG.warn("the model registry was not fully read within 30 s; continuing with what was read");
        }
        return view;
    }

    private static <T> void apply(ConsumerRecord<byte[], byte[]> record, Map<String, T> into, Class<T> type) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            into.remove(key);
            return;
        }
        try {
            into.put(key, JsonCodec.decode(record.value(), type));
        } catch (MalformedRecordException e) {
            LOG.warn("ignoring malformed {} at {}-{}@{}: {}", type.getSimpleName(), record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    public List<ModelRegistration> registrations() {
        List<ModelRegistration> all = new ArrayList<>(registrations.values());
        all.sort(Comparator.comparing(ModelRegistration::key));
        return all;
    }

    public Optional<ModelRegistration> registration(String app, ModelRef ref) {
        return Optional.ofNullable(registrations.get(ModelRegistration.key(app, ref)));
    }

    /** Registered, not retired, and beating: the members the rendezvous waits for. */
    public List<ModelRegistration> liveMembers(String app, long nowMs) {
        List<ModelRegistration> live = new ArrayList<>();
        for (ModelRegistration registration : registrations.values()) {
            if (registration.app().equals(app) && registration.role() != ModelRole.RETIRED && isAlive(app, registration.ref(), nowMs)) {
                live.add(registration);
            }
        }
        return live;
    }

    /** Whether some runner instance of the member has beaten recently and is not stopping. */
    public boolean isAlive(String app, ModelRef ref, long nowMs) {
        for (Heartbeat beat : heartbeats.values()) {
            if (beat.app().equals(app) && beat.ref().equals(ref) && !beat.stopping() && nowMs - beat.atMs() <= HEARTBEAT_TIMEOUT_MS) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        reader.close();
    }
}
