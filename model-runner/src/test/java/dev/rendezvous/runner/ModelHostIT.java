package dev.rendezvous.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An app's versions in one model host on the real broker: one consumer group for all of them, a
 * version deployed into the running host and another retired out of it, each registered and beating
 * on its own, and the host's offsets committed up to the end once every remaining version has answered.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ModelHostIT {
    private static final String APP = DemoModels.APP;
    private static final int PARTITIONS = 3;

    @Test
    void versionsJoinAndLeaveARunningHostAloneAndShareItsOneConsumerGroup(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("model-host"));
        TopicNames topics = kafka.topics();
        try (Admin admin = kafka.newAdmin("test-admin")) {
            TopicLayout layout = new TopicLayout(topics, 1);
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.controlTopics());
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.appTopics(APP, PARTITIONS, 3_600_000));
        }
        ModelManifest lr = DemoManifests.lr();
        ModelManifest fm = DemoManifests.fm();
        try (KafkaProducer<String, byte[]> requests = kafka.newProducer("test-requests");
             RegistryView registry = RegistryView.start(kafka, "test-registry");
             ModelHost host = ModelHost.start(kafka, APP, ModelHost.hostGroup(kafka, APP, List.of(lr.ref(), fm.ref())), null)) {
            ModelRunner lrRunner = host.deploy(lr, RunnerOptions.defaults(), new SimpleMeterRegistry(), registry);
            await().atMost(Duration.ofSeconds(30)).until(() -> lrRunner.isReady() && registry.isAlive(APP, lr.ref(), System.currentTimeMillis()));
            send(requests, topics, "a", 10);
            // Polled (and scored) before fm@1 joins: it gets only what the host polls from then on.
            assertThat(awaitScores(kafka, topics, 10).get("fraud-lr@1")).hasSize(10);

            ModelRunner fmRunner = host.deploy(fm, RunnerOptions.defaults(), new SimpleMeterRegistry(), registry);
            await().atMost(Duration.ofSeconds(30)).until(() -> fmRunner.isReady() && registry.isAlive(APP, fm.ref(), System.currentTimeMillis()));
            send(requests, topics, "b", 10);
            Map<String, Set<String>> scored = awaitScores(kafka, topics, 30);
            assertThat(scored.get("fraud-lr@1")).as("lr@1 scored everything from its start").hasSize(20);
            assertThat(scored.get("fraud-fm@1")).as("fm@1 joined the running host before the b requests")
                    .containsAll(ids("b", 10)).doesNotContainAnyElementsOf(ids("a", 10));

            retire(kafka, registry, lr);
            assertThat(lrRunner.awaitStopped(Duration.ofSeconds(30))).isTrue();
            assertThat(host.versions()).containsExactly(fm.ref());
            assertThat(fmRunner.isRunning()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.isAlive(APP, lr.ref(), System.currentTimeMillis()));
            send(requests, topics, "c", 10);

            Map<String, Set<String>> after = awaitScores(kafka, topics, 40);
            assertThat(after.get("fraud-fm@1")).containsAll(ids("c", 10));
            assertThat(after.get("fraud-lr@1")).doesNotContainAnyElementsOf(ids("c", 10));
            assertThat(registry.isAlive(APP, fm.ref(), System.currentTimeMillis())).isTrue();
            Map<TopicPartition, Long> end = endOffsets(kafka, topics.requests(APP));
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(kafka, host.consumerGroup(), end.keySet()).equals(end));
            try (Admin admin = kafka.newAdmin("test-groups")) {
                List<String> modelGroups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                        .map(ConsumerGroupListing::groupId).filter(g -> g.startsWith(kafka.topicPrefix() + "model")).toList();
                assertThat(modelGroups).containsExactly(kafka.topicPrefix() + "model-host." + APP + ".fraud-fm@1+fraud-lr@1");
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, TopicNames topics, String prefix, int count) throws Exception {
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(prefix.hashCode(), count);
        for (int i = 0; i < count; i++) {
            long now = System.currentTimeMillis();
            JsonNode features = JsonCodec.mapper().valueToTree(samples.get(i));
            ScoringRequest request = new ScoringRequest(prefix + "-" + i, APP, features, null, now, now + 60_000, null, null);
            producer.send(new ProducerRecord<>(topics.requests(APP), request.id(), JsonCodec.encode(request))).get(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> ids(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** Request ids scored, by model version, once the scores topic holds at least {@code count} records. */
    private static Map<String, Set<String>> awaitScores(KafkaSettings kafka, TopicNames topics, int count) {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topics.scores(APP))) {
            List<ConsumerRecord<String, byte[]>> records = reader.readAtLeast(count);
            return records.stream().map(r -> JsonCodec.decode(r.value(), ModelScore.class))
                    .collect(Collectors.groupingBy(s -> s.modelRef().toString(), Collectors.mapping(ModelScore::requestId, Collectors.toSet())));
        }
    }

    private static void retire(KafkaSettings kafka, RegistryView registry, ModelManifest manifest) {
        ModelRegistration current = registry.registration(APP, manifest.ref()).orElseThrow();
        try (RegistryPublisher publisher = new RegistryPublisher(kafka, "test-retire")) {
            publisher.register(current.withRole(ModelRole.RETIRED, "test", current.updatedAtMs() + 1));
        }
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaSettings kafka, String topic) throws Exception {
        try (Admin admin = kafka.newAdmin("test-end-offsets")) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        }
    }

    private static Map<TopicPartition, Long> committed(KafkaSettings kafka, String group, Set<TopicPartition> partitions) throws Exception {
        try (Admin admin = kafka.newAdmin("test-offsets")) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((partition, offset) -> offsets.put(partition, offset.offset()));
            partitions.forEach(partition -> offsets.putIfAbsent(partition, 0L));
            return offsets;
        }
    }
}
