package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.policy.Member;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hot-standby rendezvous on the real broker: silent while the owner decides, and answering every
 * request — once, marked as its own — when the owner holds the partitions but decides nothing (a
 * hung or killed owner, before its group notices).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RendezvousStandbyIT {
    private static final String APP = "loans";
    private static final ModelRef BEST = ModelRef.parse("best@1");
    private static final int PARTITIONS = 2;
    private static final Policy POLICY = PolicyParser.parse("""
            app: loans
            deadline: 300ms
            stages:
              - accept: [best@1]
            fallback: { output: { approve: false } }
            """, 3);
    private static final Set<Member> LIVE = Set.of(new Member(BEST, ModelRole.LIVE));

    @Test
    void staysSilentWhileTheOwnerDecides(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = provision(broker, "standby-silent");
        SimpleMeterRegistry standbyMeters = new SimpleMeterRegistry();
        try (RendezvousService owner = RendezvousService.start(kafka, List.of(APP), kafka.topics().group("rendezvous"),
                app -> new PolicyArbiter(POLICY, () -> LIVE), new SimpleMeterRegistry(), System::currentTimeMillis);
             RendezvousService standby = startStandby(kafka, standbyMeters);
             KafkaProducer<String, byte[]> producer = kafka.newProducer("test-producer")) {
            awaitAssigned(kafka, kafka.topics().group("rendezvous"), 3 * PARTITIONS);
            awaitAssigned(kafka, kafka.topics().group("rendezvous-standby"), 3 * PARTITIONS);
            // Once the standby has seen the owner decide a request on every partition, it reads them all.
            int warm = warmUp(kafka, producer, () -> counted(standbyMeters, "rdv.rendezvous.standby.owner.decided"));

            List<ScoringRequest> requests = sendRequests(kafka, producer, "alive-", 40);

            awaitResults(kafka, requests);
            // The standby's holds have long been released or cancelled once every request is past deadline + delay.
            Thread.sleep(POLICY.deadlineMs() + 2 * StandbySettings.DEFAULTS.takeoverDelayMs());
            Map<String, List<ConsumerRecord<byte[], byte[]>>> all = readResults(kafka);
            // The standby's view of a results partition can be a fetch behind (its lag is the last fetch's): on a
            // starved CPU it has answered a request whose owner's decision it had not received yet. That is a known,
            // counted gap (rdv.rendezvous.standby.duplicates), never a different answer; seen once in a CI-like run.
            int duplicated = 0;
            for (ScoringRequest request : requests) {
                List<ConsumerRecord<byte[], byte[]>> decisions = all.get(request.id());
                assertThat(decisions).as("decisions of %s", request.id()).isNotEmpty();
                assertThat(RecordHeaders.text(decisions.get(0).headers(), RecordHeaders.DECIDED_BY)).as("the first decision of %s is the owner's",
                        request.id()).isEmpty();
                Decision owners = JsonCodec.decode(decisions.get(0).value(), Decision.class);
                assertThat(decisions).as("every decision of %s says what the owner's says", request.id()).allSatisfy(record -> {
                    Decision decision = JsonCodec.decode(record.value(), Decision.class);
                    assertThat(decision.outcome()).isEqualTo(owners.outcome());
                    assertThat(decision.model()).isEqualTo(owners.model());
                });
                assertThat(decisions).as("at most the owner's and one standby's decision of %s", request.id()).hasSizeLessThanOrEqualTo(2);
                duplicated += decisions.size() - 1;
            }
            int duplicates = duplicated;
            assertThat(duplicates).as("requests the standby answered although their owner had").isLessThanOrEqualTo(requests.size() / 10);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(counted(standbyMeters, "rdv.rendezvous.standby.owner.decided") + counted(standbyMeters,
                            "rdv.rendezvous.standby.duplicates")).isEqualTo(warm + requests.size()));
            assertThat(counted(standbyMeters, "rdv.rendezvous.standby.takeovers")).isEqualTo(duplicates);
            assertThat(counted(standbyMeters, "rdv.rendezvous.standby.duplicates")).isEqualTo(duplicates);
        }
    }

    @Test
    void answersEveryRequestOnceWhenItsOwnerHoldsThePartitionsButDecidesNothing(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = provision(broker, "standby-takeover");
        SimpleMeterRegistry standbyMeters = new SimpleMeterRegistry();
        // A hung owner: a member of the owners' group that took every partition and then stopped polling;
        // its heartbeat thread keeps it in the group, so nothing moves its partitions to anyone else.
        KafkaConsumer<byte[], byte[]> hung = kafka.newConsumer(kafka.topics().group("rendezvous"), "hung-owner", "earliest");
        hung.subscribe(List.of(kafka.topics().requests(APP), kafka.topics().scores(APP)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            hung.poll(Duration.ofMillis(100));
            return hung.assignment().size() == 2 * PARTITIONS;
        });
        try (RendezvousService standby = startStandby(kafka, standbyMeters);
             KafkaProducer<String, byte[]> producer = kafka.newProducer("test-producer")) {
            awaitAssigned(kafka, kafka.topics().group("rendezvous-standby"), 3 * PARTITIONS);
            int warm = warmUp(kafka, producer, () -> counted(standbyMeters, "rdv.rendezvous.standby.takeovers"));

            List<ScoringRequest> requests = sendRequests(kafka, producer, "orphaned-", 30);

            awaitResults(kafka, requests);
            Thread.sleep(POLICY.deadlineMs() + 2 * StandbySettings.DEFAULTS.takeoverDelayMs());
            Map<String, List<ConsumerRecord<byte[], byte[]>>> results = readResults(kafka);
            List<Long> pastDeadline = new ArrayList<>();
            for (ScoringRequest request : requests) {
                List<ConsumerRecord<byte[], byte[]>> decisions = results.get(request.id());
                assertThat(decisions).as("decisions of %s", request.id()).hasSize(1);
                ConsumerRecord<byte[], byte[]> record = decisions.get(0);
                assertThat(RecordHeaders.text(record.headers(), RecordHeaders.DECIDED_BY)).contains(RecordHeaders.DECIDED_BY_STANDBY);
                assertThat(record.partition()).as("results go to the request's partition").isEqualTo(partitionOf(kafka, request));
                Decision decision = JsonCodec.decode(record.value(), Decision.class);
                boolean scored = Integer.parseInt(request.id().substring(request.id().indexOf('-') + 1)) % 2 == 0;
                assertThat(decision.outcome()).as("request %s", request.id()).isEqualTo(scored ? Outcome.MODEL : Outcome.FALLBACK);
                pastDeadline.add(record.timestamp() - request.deadlineAtMs());
            }
            assertThat(counted(standbyMeters, "rdv.rendezvous.standby.takeovers")).isEqualTo(warm + requests.size());
            assertThat(counted(standbyMeters, "rdv.rendezvous.standby.duplicates")).isZero();
            pastDeadline.sort(Long::compare);
            System.out.printf("standby takeover of a hung owner: %d requests, decision written ms after the deadline: median %d, max %d "
                    + "(negative: before it; fallbacks are decided at the deadline)%n", requests.size(),
                    pastDeadline.get(pastDeadline.size() / 2), pastDeadline.get(pastDeadline.size() - 1));
        } finally {
            hung.close(Duration.ZERO);
        }
    }

    /**
     * Sends a request to every partition, round after round, until the standby has counted all of a
     * round: it fixes its start positions only after the group reports it stable. Returns how many
     * requests the standby counted.
     */
    private static int warmUp(KafkaSettings kafka, KafkaProducer<String, byte[]> producer, java.util.function.DoubleSupplier counted) {
        for (int round = 0; round < 20; round++) {
            double before = counted.getAsDouble();
            sendRequests(kafka, producer, "warm" + round + "-", PARTITIONS);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> counted.getAsDouble() >= before + PARTITIONS);
                return (int) counted.getAsDouble();
            } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                // Some of this round went by before the standby read its partitions; the next round will not.
            }
        }
        throw new AssertionError("the standby never counted a whole round of warm-up requests");
    }

    private static RendezvousService startStandby(KafkaSettings kafka, SimpleMeterRegistry meters) {
        return RendezvousService.startStandby(kafka, List.of(APP), kafka.topics().group("rendezvous-standby"),
                app -> new PolicyArbiter(POLICY, () -> LIVE), StandbySettings.DEFAULTS, meters, System::currentTimeMillis);
    }

    private static KafkaSettings provision(EmbeddedKafkaBroker broker, String name) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix(name));
        try (Admin admin = kafka.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(kafka.topics(), 1).appTopics(APP, PARTITIONS, 3_600_000));
        }
        return kafka;
    }

    /** Requests keyed by something other than their id (as a Kafka-native client may), every other one scored by the model. */
    private static List<ScoringRequest> sendRequests(KafkaSettings kafka, KafkaProducer<String, byte[]> producer, String prefix, int count) {
        List<ScoringRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long now = System.currentTimeMillis();
            ScoringRequest request = new ScoringRequest(prefix + i, APP, JsonCodec.mapper().createObjectNode().put("x", i), null, now,
                    now + POLICY.deadlineMs(), null, null);
            int partition = i % PARTITIONS;
            producer.send(new ProducerRecord<>(kafka.topics().requests(APP), partition, "client-key-" + i, JsonCodec.encode(request)));
            if (i % 2 == 0) {
                ModelScore score = new ModelScore(request.id(), APP, BEST.name(), BEST.version(), ModelRole.LIVE,
                        JsonCodec.mapper().createObjectNode().put("p", 0.5), null, 3, 2, 1, System.currentTimeMillis());
                producer.send(new ProducerRecord<>(kafka.topics().scores(APP), partition, request.id(), JsonCodec.encode(score)));
            }
            requests.add(request);
        }
        producer.flush();
        return requests;
    }

    private static int partitionOf(KafkaSettings kafka, ScoringRequest request) {
        return Integer.parseInt(request.id().substring(request.id().indexOf('-') + 1)) % PARTITIONS;
    }

    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> awaitResults(KafkaSettings kafka, List<ScoringRequest> requests) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> readResults(kafka), results -> results.keySet().containsAll(requests.stream().map(ScoringRequest::id).toList()));
    }

    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readResults(KafkaSettings kafka) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byId = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> reader = kafka.newConsumer(null, "test-results", "earliest")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(kafka.topics().results(APP), p));
            }
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long until = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p)) && System.currentTimeMillis() < until) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
                    Decision decision = JsonCodec.decode(record.value(), Decision.class);
                    byId.computeIfAbsent(decision.requestId(), k -> new ArrayList<>()).add(record);
                }
            }
        }
        return byId;
    }

    private static void awaitAssigned(KafkaSettings kafka, String group, int partitions) {
        try (Admin admin = kafka.newAdmin("test-group-watch")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return description.groupState() == org.apache.kafka.common.GroupState.STABLE && description.members().stream()
                        .mapToInt(m -> m.assignment().topicPartitions().size()).sum() == partitions;
            });
        }
    }

    private static double counted(SimpleMeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
