package dev.rendezvous.decoy;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.TopicNames;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/** Which requests topic is copied to which decoy topic, and the check that each pair has equal partition counts. */
final class DecoyTopics {
    private DecoyTopics() {
    }

    /** Requests topic to decoy topic, for each app. */
    static Map<String, String> decoyBySource(TopicNames names, Set<String> apps) {
        if (apps == null || apps.isEmpty()) {
            throw new IllegalArgumentException("decoy.apps is empty; expected at least one application name");
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String app : apps) {
            pairs.put(names.requests(app), names.decoy(app));
        }
        return pairs;
    }

    /**
     * Fails naming the topics when a pair differs in partition count or is missing: a copy goes to
     * the partition number of its source, so a smaller decoy topic would reject copies forever.
     */
    static void requireEqualPartitions(KafkaSettings settings, Map<String, String> decoyBySource, String clientId) {
        Set<String> all = new HashSet<>(decoyBySource.keySet());
        all.addAll(decoyBySource.values());
        Map<String, TopicDescription> described;
        try (Admin admin = settings.newAdmin(clientId + "-admin")) {
            described = admin.describeTopics(all).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoy: cannot describe topics " + all + ": " + e.getCause().getMessage()
                    + "; the applications' topics must exist before the decoy starts", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("decoy: Kafka at " + settings.bootstrapServers() + " did not describe topics " + all + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("decoy: interrupted while checking topics", e);
        }
        decoyBySource.forEach((source, decoy) -> {
            int sourcePartitions = described.get(source).partitions().size();
            int decoyPartitions = described.get(decoy).partitions().size();
            if (sourcePartitions != decoyPartitions) {
                throw new IllegalStateException("decoy: " + source + " has " + sourcePartitions + " partitions but " + decoy
                        + " has " + decoyPartitions + "; each copy goes to its source's partition number, so they must be equal");
            }
        });
    }
}
