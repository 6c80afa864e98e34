package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicSpec;
import dev.rendezvous.protocol.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of hostile records on {@code fraud.requests} and {@code fraud.scores}, interleaved with valid
 * Kafka-native requests, fed to the whole platform (three runners, decoy, archiver, rendezvous,
 * gateway): every valid request is answered by a model within its deadline, every hostile record is on
 * the dead-letter topic exactly once with its reason and the refusing consumer (the rendezvous owners'
 * group, the one writer), afterwards no consumer group lags, and re-reading every record after a
 * restart writes no second dead letter.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class HostileRecordsIT {
    private static final String APP = "fraud";

    @Test
    void everyConsumerSurvivesTheHostileCorpusAndEveryValidRequestIsServedByAModel(EmbeddedKafkaBroker broker, @TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 2
                    retentionMs: 3600000
                    policy:
                      deadline: 5s
                      stages:
                        - accept: [fraud-fm@1, fraud-lr@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                """);
        String prefix = EmbeddedKafkaExtension.uniquePrefix("hostile");
        Map<String, List<String>> deadLettersBefore = new HashMap<>();
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, prefix, "hostile", "hostile-records-admin-token", Map.of(
                "models.demoDir", dir.resolve("models").toString(),
                "archive.dir", dir.resolve("archive").toString()))))) {
            KafkaSettings kafka = platform.kafka();
            String refusedBy = "rendezvous/" + kafka.topics().group("rendezvous");
            String replyTopic = prefix + "hostile-client.replies";
            try (Admin admin = kafka.newAdmin("hostile-test")) {
                new TopicProvisioner(admin, 1, 10_000).ensure(List.of(new TopicSpec(replyTopic, 1, Map.of())));
            }
            Map<String, Decision> replies = new ConcurrentHashMap<>();
            try (KafkaProducer<String, byte[]> producer = kafka.newProducer("hostile-producer");
                 KafkaConsumer<byte[], byte[]> replyReader = kafka.newConsumer(null, "hostile-replies", "earliest")) {
                replyReader.assign(List.of(new TopicPartition(replyTopic, 0)));
                List<ScoringRequest> valid = new ArrayList<>();
                Map<String, byte[]> hostileRequests = hostileRequests(replyTopic, kafka.topics().policies());
                Map<String, byte[]> hostileScores = hostileScores();
                List<Map<String, Number>> samples = DemoModels.sampleFeatures(7, hostileRequests.size() + hostileScores.size());
                int i = 0;
                for (Map.Entry<String, byte[]> hostile : hostileRequests.entrySet()) {
                    producer.send(new ProducerRecord<>(kafka.topics().requests(APP), i % 2, hostile.getKey(), hostile.getValue()));
                    valid.add(sendValid(producer, kafka, "valid-" + i, samples.get(i), replyTopic, i % 2));
                    i++;
                }
                for (Map.Entry<String, byte[]> hostile : hostileScores.entrySet()) {
                    producer.send(new ProducerRecord<>(kafka.topics().scores(APP), i % 2, hostile.getKey(), hostile.getValue()));
                    valid.add(sendValid(producer, kafka, "valid-" + i, samples.get(i), replyTopic, i % 2));
                    i++;
                }
                producer.flush();

                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    replyReader.poll(Duration.ofMillis(100)).forEach(r -> {
                        Decision decision = JsonCodec.decode(r.value(), Decision.class);
                        replies.put(decision.requestId(), decision);
                    });
                    return replies.keySet().containsAll(valid.stream().map(ScoringRequest::id).toList());
                });
                for (ScoringRequest request : valid) {
                    Decision decision = replies.get(request.id());
                    assertThat(decision.outcome()).as(request.id()).isEqualTo(Outcome.MODEL);
                    assertThat(decision.decidedAtMs()).as(request.id()).isLessThanOrEqualTo(request.deadlineAtMs());
                }
                assertThat(replies).containsOnlyKeys(valid.stream().map(ScoringRequest::id).toList());

                Map<String, List<String>> deadLetters = deadLetters(kafka, hostileRequests.size() + hostileScores.size());
                Map<String, byte[]> hostile = new LinkedHashMap<>(hostileRequests);
                hostile.putAll(hostileScores);
                assertThat(deadLetters).containsOnlyKeys(hostile.keySet());
                deadLetters.forEach((key, reasons) -> assertThat(reasons).as(key).singleElement().asString().endsWith(" | by " + refusedBy));
                deadLettersBefore.putAll(deadLetters);
                assertThat(deadLetters.get("null").get(0)).contains("JSON null");
                assertThat(deadLetters.get("pinned-no-at").get(0)).contains("name@version");
                assertThat(deadLetters.get("reply-into-policies").get(0)).contains("is not a reply topic");
                assertThat(deadLetters.get("long-app").get(0)).contains("1-63 characters");
                assertThat(deadLetters.get("score-null").get(0)).contains("JSON null");
            }
            awaitNoConsumerGroupLags(kafka, prefix);
        }

        // Redelivery: the rendezvous group is set back to the start of its topics while the platform is
        // down, so the restarted rendezvous reads every poison record again: none gets a second dead letter.
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), prefix);
        try (Admin admin = kafka.newAdmin("hostile-rewind")) {
            String group = kafka.topics().group("rendezvous");
            Map<TopicPartition, OffsetAndMetadata> toStart = new HashMap<>();
            for (String topic : List.of(kafka.topics().requests(APP), kafka.topics().scores(APP))) {
                for (int partition = 0; partition < 2; partition++) {
                    toStart.put(new TopicPartition(topic, partition), new OffsetAndMetadata(0));
                }
            }
            admin.alterConsumerGroupOffsets(group, toStart).all().get();
        }
        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, prefix, "hostile", "hostile-records-admin-token", Map.of(
                "models.demoDir", dir.resolve("models").toString(),
                "archive.dir", dir.resolve("archive").toString()))))) {
            awaitNoConsumerGroupLags(platform.kafka(), prefix);
            Map<String, List<String>> afterRestart = deadLetters(platform.kafka(), 0);
            assertThat(afterRestart).as("dead letters after re-reading every poison record").isEqualTo(deadLettersBefore);
        }
    }

    private static ScoringRequest sendValid(KafkaProducer<String, byte[]> producer, KafkaSettings kafka, String id, Map<String, Number> features,
                                            String replyTopic, int partition) {
        long now = System.currentTimeMillis();
        ScoringRequest request = new ScoringRequest(id, APP, JsonCodec.mapper().valueToTree(features), null, now, now + 5_000, replyTopic, null);
        producer.send(new ProducerRecord<>(kafka.topics().requests(APP), partition, id, JsonCodec.encode(request)));
        return request;
    }

    /** Keyed by what each one is; the key is also how its dead letter is found. */
    private static Map<String, byte[]> hostileRequests(String replyTopic, String policiesTopic) {
        long now = System.currentTimeMillis();
        String base = "\"app\":\"fraud\",\"features\":{\"amount\":12.5},\"receivedAtMs\":" + now + ",\"deadlineAtMs\":" + (now + 5_000)
                + ",\"replyTo\":\"" + replyTopic + "\"";
        Map<String, String> text = new LinkedHashMap<>();
        text.put("null", "null");
        text.put("array", "[1,2,3]");
        text.put("string", "\"fraud\"");
        text.put("number", "42");
        text.put("empty-object", "{}");
        text.put("id-number", "{\"id\":7," + base + "}");
        text.put("id-empty", "{\"id\":\"\"," + base + "}");
        text.put("id-huge", "{\"id\":\"" + "x".repeat(512 * 1024) + "\"," + base + "}");
        text.put("app-number", "{\"id\":\"app-number\"," + base.replace("\"app\":\"fraud\"", "\"app\":5") + "}");
        text.put("unknown-app", "{\"id\":\"unknown-app\"," + base.replace("\"app\":\"fraud\"", "\"app\":\"nosuchapp\"") + "}");
        text.put("long-app", "{\"id\":\"long-app\"," + base.replace("\"app\":\"fraud\"", "\"app\":\"" + "a".repeat(300) + "\"") + "}");
        text.put("features-string", "{\"id\":\"features-string\"," + base.replace("{\"amount\":12.5}", "\"amount\"") + "}");
        text.put("inputs-object", "{\"id\":\"inputs-object\"," + base.replace("\"features\":{\"amount\":12.5}", "\"inputs\":{\"name\":\"x\"}") + "}");
        text.put("received-text", "{\"id\":\"received-text\"," + base.replace("\"receivedAtMs\":" + now, "\"receivedAtMs\":\"" + now + "\"") + "}");
        text.put("deadline-fraction", "{\"id\":\"deadline-fraction\"," + base.replace("\"deadlineAtMs\":" + (now + 5_000), "\"deadlineAtMs\":" + (now + 5_000) + ".5") + "}");
        text.put("reply-number", "{\"id\":\"reply-number\"," + base.replace("\"replyTo\":\"" + replyTopic + "\"", "\"replyTo\":5") + "}");
        text.put("reply-into-policies", "{\"id\":\"reply-into-policies\"," + base.replace(replyTopic, policiesTopic) + "}");
        // Runners score this one (its fields are fine); only the rendezvous refuses it, and must pass over its scores.
        text.put("received-in-future", "{\"id\":\"received-in-future\"," + base.replace("\"receivedAtMs\":" + now, "\"receivedAtMs\":" + (now + 3_600_000))
                .replace("\"deadlineAtMs\":" + (now + 5_000), "\"deadlineAtMs\":" + (now + 3_605_000)) + "}");
        text.put("pinned-no-at", "{\"id\":\"pinned-no-at\"," + base + ",\"pinnedModel\":\"no-at-sign\"}");
        text.put("pinned-number", "{\"id\":\"pinned-number\"," + base + ",\"pinnedModel\":5}");
        text.put("duplicate-key", "{\"id\":\"duplicate-key\",\"id\":\"other\"," + base + "}");
        text.put("trailing-garbage", "{\"id\":\"trailing-garbage\"," + base + "} xyz");
        text.put("trailing-nul", "{\"id\":\"trailing-nul\"," + base + "}\u0000");
        Map<String, byte[]> records = new LinkedHashMap<>();
        text.forEach((key, value) -> records.put(key, value.getBytes(StandardCharsets.UTF_8)));
        records.put("invalid-utf8", new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '(', '"', '}'});
        records.put("empty-bytes", new byte[0]);
        return records;
    }

    private static Map<String, byte[]> hostileScores() {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("score-null", "null".getBytes(StandardCharsets.UTF_8));
        records.put("score-garbage", new byte[] {(byte) 0xff, 0x00, 0x13});
        records.put("score-bad-model", ("{\"requestId\":\"score-bad-model\",\"app\":\"fraud\",\"model\":\"-x\",\"version\":\"1\",\"role\":\"live\","
                + "\"output\":{},\"queueWaitMicros\":0,\"inferenceMicros\":0,\"batchSize\":1,\"scoredAtMs\":1}").getBytes(StandardCharsets.UTF_8));
        records.put("score-other-app", ("{\"requestId\":\"score-other-app\",\"app\":\"payments\",\"model\":\"x\",\"version\":\"1\",\"role\":\"live\","
                + "\"output\":{},\"queueWaitMicros\":0,\"inferenceMicros\":0,\"batchSize\":1,\"scoredAtMs\":1}").getBytes(StandardCharsets.UTF_8));
        return records;
    }

    /** Dead-letter reasons by key, read until {@code count} keys are there and then to the end of the topic. */
    private static Map<String, List<String>> deadLetters(KafkaSettings kafka, int count) {
        Map<String, List<String>> reasons = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "hostile-dlq", "earliest")) {
            TopicPartition partition = new TopicPartition(kafka.topics().deadLetter(APP), 0);
            consumer.assign(List.of(partition));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                read(consumer, reasons);
                return reasons.size() >= count;
            });
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                read(consumer, reasons);
            }
        }
        return reasons;
    }

    private static void read(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<String>> reasons) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            // The refusing consumer is part of what is compared: one writer, the rendezvous owners' group.
            reasons.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(RecordHeaders.text(record.headers(), RecordHeaders.DEAD_LETTER_REASON).orElse("(no reason)")
                            + " | by " + RecordHeaders.text(record.headers(), RecordHeaders.DEAD_LETTER_BY).orElse("(nobody)"));
        }
    }

    /** Every consumer group of this platform has committed up to the end of every partition it reads. */
    private static void awaitNoConsumerGroupLags(KafkaSettings kafka, String prefix) {
        try (Admin admin = kafka.newAdmin("hostile-lag")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<String, Long> lags = new LinkedHashMap<>();
                for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
                    if (!group.groupId().startsWith(prefix)) {
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                            .partitionsToOffsetAndMetadata().get();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
                    var ends = admin.listOffsets(latest).all().get();
                    committed.forEach((p, offset) -> {
                        long lag = ends.get(p).offset() - (offset == null ? 0 : offset.offset());
                        if (lag > 0) {
                            lags.put(group.groupId() + " " + p, lag);
                        }
                    });
                }
                assertThat(lags).as("consumer groups lagging").isEmpty();
            });
        }
    }
}
