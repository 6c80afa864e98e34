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
import dev.rendezvous.protocol.ScoreError;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drives a real rendezvous instance on the embedded broker: requests and model scores are produced
 * as records (as runners would), decisions are read from the reply topic and the results topic.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RendezvousServiceIT {
    private static final String APP = "loans";
    private static final ModelRef BEST = ModelRef.parse("best@1");
    private static final ModelRef BACKUP = ModelRef.parse("backup@1");

    private KafkaSettings kafka;
    private RendezvousService rendezvous;
    private KafkaProducer<String, byte[]> producer;
    private String replyTopic;
    private final Map<String, Decision> replies = new ConcurrentHashMap<>();
    private final Map<String, Decision> repliesWithNonce = new ConcurrentHashMap<>();
    private Thread replyReader;
    private volatile boolean reading = true;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("rendezvous-service"));
        replyTopic = kafka.topics().replies("test");
        try (Admin admin = kafka.newAdmin("test")) {
            var provisioner = new TopicProvisioner(admin, 1, 10_000);
            var layout = new TopicLayout(kafka.topics(), 1);
            provisioner.ensure(layout.appTopics(APP, 2, 3_600_000));
            provisioner.ensure(List.of(layout.replyTopic("test", 1)));
        }
        Policy policy = PolicyParser.parse("""
                app: loans
                deadline: 5s
                stages:
                  - accept: [best@1, backup@1]
                fallback: { output: { approve: false } }
                """, 7);
        Set<Member> live = Set.of(new Member(BEST, ModelRole.LIVE), new Member(BACKUP, ModelRole.LIVE));
        PolicyArbiter arbiter = new PolicyArbiter(policy, () -> live);
        // Requests whose id starts with "explode" make the arbiter throw, as a bug in a policy rule would.
        Arbiter exploding = (request, arrivals, nowMs) -> {
            if (request.id().startsWith("explode")) {
                throw new IllegalStateException("rule bug for " + request.id());
            }
            return arbiter.evaluate(request, arrivals, nowMs);
        };
        rendezvous = RendezvousService.start(kafka, List.of(APP), "rendezvous-test", app -> exploding, new SimpleMeterRegistry(),
                System::currentTimeMillis);
        producer = kafka.newProducer("test-producer");
        KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "test-replies", "earliest");
        consumer.assign(List.of(new TopicPartition(replyTopic, 0)));
        replyReader = new Thread(() -> {
            while (reading) {
                consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                    Decision d = JsonCodec.decode(r.value(), Decision.class);
                    replies.put(d.requestId(), d);
                    if (d.nonce() != null) {
                        repliesWithNonce.put(d.nonce(), d);
                    }
                });
            }
            consumer.close();
        });
        replyReader.start();
    }

    @AfterAll
    void stop() throws InterruptedException {
        reading = false;
        replyReader.join(5_000);
        rendezvous.close();
        producer.close();
    }

    @Test
    void servesThePreferredModelAsSoonAsItAnswers() {
        ScoringRequest request = request("pref-1", 5_000);
        send(request);
        sendScore(score(request, BACKUP, 0.2));
        sendScore(score(request, BEST, 0.9));

        Decision decision = awaitDecision("pref-1");
        assertThat(decision.outcome()).isEqualTo(Outcome.MODEL);
        assertThat(decision.model()).isEqualTo("best");
        assertThat(decision.reason()).isEqualTo("preferred");
        assertThat(decision.output().path("p").asDouble()).isEqualTo(0.9);
        // Decided long before the 5 s deadline: it did not wait for the deadline.
        assertThat(decision.decidedAtMs()).isLessThan(request.deadlineAtMs());
    }

    @Test
    void servesTheBackupAtOnceWhenThePreferredModelFailed() {
        ScoringRequest request = request("backup-1", 300);
        send(request);
        sendScore(new ModelScore(request.id(), APP, BEST.name(), BEST.version(), ModelRole.LIVE, null,
                new ScoreError(ScoreError.MODEL_FAILURE, "boom"), 1, 1, 1, System.currentTimeMillis()));
        sendScore(score(request, BACKUP, 0.3));

        Decision decision = awaitDecision("backup-1");
        assertThat(decision.model()).isEqualTo("backup");
        assertThat(decision.reason()).isEqualTo("stage-1");
        assertThat(decision.policyVersion()).isEqualTo(7);
        assertThat(decision.decidedAtMs()).isLessThan(request.deadlineAtMs());
        assertThat(decision.candidates()).extracting(c -> c.model() + ":" + c.error())
                .containsExactlyInAnyOrder("best:model-failure", "backup:null");
    }

    @Test
    void servesTheFallbackAtTheDeadlineWhenNoModelAnswers() {
        ScoringRequest request = request("silent-1", 150);
        send(request);

        Decision decision = awaitDecision("silent-1");
        assertThat(decision.outcome()).isEqualTo(Outcome.FALLBACK);
        assertThat(decision.output().path("approve").asBoolean(true)).isFalse();
        assertThat(decision.late()).containsExactly("best@1", "backup@1");
        assertThat(decision.decidedAtMs()).isGreaterThanOrEqualTo(request.deadlineAtMs());
    }

    @Test
    void decidesARequestWhoseScoresArrivedBeforeIt() {
        ScoringRequest request = request("early-scores-1", 5_000);
        sendScore(score(request, BEST, 0.7));
        send(request);

        assertThat(awaitDecision("early-scores-1").reason()).isEqualTo("preferred");
    }

    @Test
    void deadLettersAPoisonRequestAndKeepsServingOthers() {
        producer.send(new ProducerRecord<>(kafka.topics().requests(APP), "poison", "not json".getBytes()));
        ScoringRequest request = request("after-poison-1", 5_000);
        send(request);
        sendScore(score(request, BEST, 0.5));

        assertThat(awaitDecision("after-poison-1").model()).isEqualTo("best");
        assertThat(deadLetterReasons(List.of("poison")).get("poison")).singleElement().asString().contains("not valid JSON");
    }

    @Test
    void deadLettersEachHostileRequestOnceWithItsReasonAndKeepsDeciding() {
        long now = System.currentTimeMillis();
        String valid = new String(JsonCodec.encode(request("template", 5_000)), StandardCharsets.UTF_8);
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("h-null", "null");
        hostile.put("h-array", "[" + valid + "]");
        hostile.put("h-pin-no-at", valid.replace("\"template\"", "\"h-pin-no-at\"").replaceFirst("\\}$", ",\"pinnedModel\":\"no-at-sign\"}"));
        hostile.put("h-pin-number", valid.replace("\"template\"", "\"h-pin-number\"").replaceFirst("\\}$", ",\"pinnedModel\":5}"));
        hostile.put("h-long-app", valid.replace("\"template\"", "\"h-long-app\"").replace("\"app\":\"loans\"", "\"app\":\"" + "l".repeat(300) + "\""));
        hostile.put("h-other-app", valid.replace("\"template\"", "\"h-other-app\"").replace("\"app\":\"loans\"", "\"app\":\"payments\""));
        hostile.put("h-reply-policies", valid.replace("\"template\"", "\"h-reply-policies\"").replace(replyTopic, kafka.topics().policies()));
        hostile.put("h-reply-foreign-gateway", valid.replace("\"template\"", "\"h-reply-foreign-gateway\"").replace(replyTopic, "rdv.replies.test"));
        hostile.put("h-future", valid.replace("\"template\"", "\"h-future\"").replaceAll("\"receivedAtMs\":\\d+", "\"receivedAtMs\":" + (now + 3_600_000))
                .replaceAll("\"deadlineAtMs\":\\d+", "\"deadlineAtMs\":" + (now + 3_700_000)));
        hostile.put("h-trailing", valid.replace("\"template\"", "\"h-trailing\"") + " xyz");
        hostile.put("h-duplicate-key", valid.replace("\"template\"", "\"h-duplicate-key\"").replaceFirst("\\{", "{\"app\":\"loans\","));
        for (Map.Entry<String, String> record : hostile.entrySet()) {
            producer.send(new ProducerRecord<>(kafka.topics().requests(APP), record.getKey(), record.getValue().getBytes(StandardCharsets.UTF_8)));
            ScoringRequest between = request("valid-after-" + record.getKey(), 5_000);
            send(between);
            sendScore(score(between, BEST, 0.5));
        }

        for (String id : hostile.keySet()) {
            assertThat(awaitDecision("valid-after-" + id).model()).as("the request after " + id).isEqualTo("best");
        }
        Map<String, List<String>> reasons = deadLetterReasons(hostile.keySet());
        reasons.keySet().removeIf(key -> !key.startsWith("h-") && !key.startsWith("valid-after-"));
        assertThat(reasons).containsOnlyKeys(hostile.keySet());
        reasons.forEach((key, list) -> assertThat(list).as(key).hasSize(1));
        assertThat(reasons.get("h-null").get(0)).contains("JSON null");
        assertThat(reasons.get("h-pin-no-at").get(0)).contains("'no-at-sign' is not of the form name@version");
        assertThat(reasons.get("h-pin-number").get(0)).contains("pinnedModel");
        assertThat(reasons.get("h-long-app").get(0)).contains("must be 1-63 characters");
        assertThat(reasons.get("h-other-app").get(0)).contains("is for app 'payments'");
        assertThat(reasons.get("h-reply-policies").get(0)).contains("is not a reply topic");
        assertThat(reasons.get("h-reply-foreign-gateway").get(0)).contains("gateway reply topic of another platform");
        assertThat(reasons.get("h-future").get(0)).contains("in the future");
        assertThat(reasons.get("h-trailing").get(0)).contains("not valid JSON");
        assertThat(reasons.get("h-duplicate-key").get(0)).contains("Duplicate field 'app'");
        assertThat(replies).doesNotContainKeys(hostile.keySet().toArray(String[]::new));
    }

    @Test
    void deadLettersARequestWhoseReplyTopicIsMissingWithoutHoldingUpOthers() {
        long now = System.currentTimeMillis();
        ScoringRequest lost = new ScoringRequest("lost-reply-1", APP, JsonCodec.mapper().createObjectNode().put("x", 1), null, now, now + 5_000,
                "nobody-reads-this.replies", null);
        send(lost);
        sendScore(score(lost, BEST, 0.4));
        ScoringRequest next = request("after-lost-reply-1", 5_000);
        send(next);
        sendScore(score(next, BEST, 0.6));

        // Sending to a missing topic used to block the engine thread for max.block.ms (60 s).
        assertThat(awaitDecision("after-lost-reply-1").model()).isEqualTo("best");
        List<String> reasons = deadLetterReasons(List.of("lost-reply-1")).get("lost-reply-1");
        assertThat(reasons).hasSize(1);
        assertThat(reasons.get(0)).contains("reply not delivered", "'nobody-reads-this.replies' does not exist", kafka.topics().results(APP));
    }

    @Test
    void answersWithATimeoutAndDeadLettersARequestWhoseEvaluationKeepsFailing() {
        ScoringRequest request = request("explode-1", 5_000);
        send(request);
        sendScore(score(request, BEST, 0.5));
        ScoringRequest next = request("after-explode-1", 5_000);
        send(next);
        sendScore(score(next, BEST, 0.5));

        Decision decision = awaitDecision("explode-1");
        assertThat(decision.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(decision.decidedAtMs()).isLessThan(request.deadlineAtMs());
        assertThat(awaitDecision("after-explode-1").model()).isEqualTo("best");
        assertThat(deadLetterReasons(List.of("explode-1")).get("explode-1")).singleElement().asString()
                .contains("evaluation failed " + RendezvousEngine.MAX_EVALUATION_FAILURES + " times", "rule bug for explode-1");
    }

    @Test
    void judgesAScoreByWhenItReachedKafkaNotByWhenTheRendezvousReadIt() throws Exception {
        // A second instance whose clock runs 400 ms ahead reads every record "late", as a rendezvous that
        // has fallen behind does. The score reached Kafka before the request's 200 ms deadline.
        KafkaSettings lagging = KafkaSettings.local(kafka.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("rendezvous-lagging"));
        try (Admin admin = lagging.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(lagging.topics(), 1).appTopics(APP, 1, 3_600_000));
        }
        Policy policy = PolicyParser.parse("""
                app: loans
                deadline: 200ms
                stages:
                  - accept: [best@1]
                fallback: { output: { approve: false } }
                """, 1);
        Set<Member> live = Set.of(new Member(BEST, ModelRole.LIVE));
        long now = System.currentTimeMillis();
        ScoringRequest request = new ScoringRequest("lagging-1", APP, JsonCodec.mapper().createObjectNode().put("x", 1), null, now, now + 200,
                null, null);
        producer.send(new ProducerRecord<>(lagging.topics().scores(APP), request.id(), JsonCodec.encode(score(request, BEST, 0.8))));
        producer.send(new ProducerRecord<>(lagging.topics().requests(APP), request.id(), JsonCodec.encode(request)));
        producer.flush();

        try (RendezvousService late = RendezvousService.start(lagging, List.of(APP), lagging.topics().group("rendezvous"),
                app -> new PolicyArbiter(policy, () -> live), new SimpleMeterRegistry(), () -> System.currentTimeMillis() + 400);
             KafkaConsumer<byte[], byte[]> results = lagging.newConsumer(null, "results-reader", "earliest")) {
            results.assign(List.of(new TopicPartition(lagging.topics().results(APP), 0)));
            List<Decision> decisions = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                results.poll(Duration.ofMillis(100)).forEach(r -> decisions.add(JsonCodec.decode(r.value(), Decision.class)));
                return !decisions.isEmpty();
            });
            assertThat(decisions.get(0).outcome()).isEqualTo(Outcome.MODEL);
            assertThat(decisions.get(0).late()).isEmpty();
        }
    }

    @Test
    void keepsARequestApartFromAnotherRecordWithItsIdButNotItsNonce() {
        // Someone else's record pre-empts the id and asks for its answer on the same reply topic; the
        // genuine request (nonce it alone knows) must get its own answer, from its own scores.
        long now = System.currentTimeMillis();
        String genuineNonce = dev.rendezvous.protocol.RequestIds.generateNonce();
        String forgedNonce = dev.rendezvous.protocol.RequestIds.generateNonce();
        ScoringRequest forged = new ScoringRequest("shared-1", APP, JsonCodec.mapper().createObjectNode().put("x", 9), null, now, now + 5_000,
                replyTopic, null, forgedNonce);
        ScoringRequest genuine = new ScoringRequest("shared-1", APP, JsonCodec.mapper().createObjectNode().put("x", 1), null, now, now + 5_000,
                replyTopic, null, genuineNonce);
        send(forged);
        sendScore(score(forged, BEST, 0.01).withNonce(forgedNonce));
        send(genuine);
        sendScore(score(genuine, BEST, 0.93).withNonce(genuineNonce));

        Decision decision = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> repliesWithNonce.get(genuineNonce), d -> d != null);
        assertThat(decision.requestId()).isEqualTo("shared-1");
        assertThat(decision.output().path("p").asDouble()).as("its own score, not the other record's").isEqualTo(0.93);
        Decision other = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> repliesWithNonce.get(forgedNonce), d -> d != null);
        assertThat(other.output().path("p").asDouble()).isEqualTo(0.01);
    }

    @Test
    void resendsWhatAPreviousOwnerDecidedInsteadOfDecidingAgainAfterAFailover() {
        // The previous owner decided "taken-1" (results topic) and died before committing its offset; it never got to "open-1".
        KafkaSettings failover = KafkaSettings.local(kafka.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("rendezvous-failover"));
        String replies = failover.topics().replies("test");
        try (Admin admin = failover.newAdmin("test")) {
            var layout = new TopicLayout(failover.topics(), 1);
            new TopicProvisioner(admin, 1, 10_000).ensure(layout.appTopics(APP, 2, 3_600_000));
            new TopicProvisioner(admin, 1, 10_000).ensure(List.of(layout.replyTopic("test", 1)));
        }
        long now = System.currentTimeMillis();
        ScoringRequest taken = new ScoringRequest("taken-1", APP, JsonCodec.mapper().createObjectNode().put("x", 1), null, now - 1_000, now - 800,
                replies, null);
        ScoringRequest open = new ScoringRequest("open-1", APP, JsonCodec.mapper().createObjectNode().put("x", 2), null, now - 1_000, now - 800,
                replies, null);
        Decision before = new Decision(taken.id(), APP, Outcome.MODEL, BEST.name(), BEST.version(), JsonCodec.mapper().createObjectNode().put("p", 0.8),
                "preferred", 7, null, List.of(), List.of(), taken.receivedAtMs(), taken.deadlineAtMs(), now - 950);
        producer.send(new ProducerRecord<>(failover.topics().requests(APP), taken.id(), JsonCodec.encode(taken)));
        producer.send(new ProducerRecord<>(failover.topics().requests(APP), open.id(), JsonCodec.encode(open)));
        producer.send(new ProducerRecord<>(failover.topics().results(APP), taken.id(), JsonCodec.encode(before)));
        // Its score is re-read after the request, as on a real failover: deciding at once would miss it.
        producer.send(new ProducerRecord<>(failover.topics().scores(APP), taken.id(), JsonCodec.encode(score(taken, BEST, 0.8))));
        producer.flush();
        Policy policy = PolicyParser.parse("""
                app: loans
                deadline: 200ms
                stages:
                  - accept: [best@1]
                fallback: { output: { approve: false } }
                """, 8);
        Set<Member> live = Set.of(new Member(BEST, ModelRole.LIVE));

        Map<String, List<Decision>> results = new ConcurrentHashMap<>();
        Map<String, Decision> replied = new ConcurrentHashMap<>();
        try (RendezvousService next = RendezvousService.start(failover, List.of(APP), failover.topics().group("rendezvous"),
                app -> new PolicyArbiter(policy, () -> live), new SimpleMeterRegistry(), System::currentTimeMillis);
             KafkaConsumer<byte[], byte[]> reader = failover.newConsumer(null, "failover-reader", "earliest")) {
            List<TopicPartition> partitions = new ArrayList<>(List.of(new TopicPartition(replies, 0)));
            for (int p = 0; p < 2; p++) {
                partitions.add(new TopicPartition(failover.topics().results(APP), p));
            }
            reader.assign(partitions);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                reader.poll(Duration.ofMillis(100)).forEach(r -> {
                    Decision d = JsonCodec.decode(r.value(), Decision.class);
                    if (r.topic().equals(replies)) {
                        replied.put(d.requestId(), d);
                    } else {
                        results.computeIfAbsent(d.requestId(), k -> new ArrayList<>()).add(d);
                    }
                });
                return replied.containsKey(taken.id()) && replied.containsKey(open.id()) && results.containsKey(open.id());
            });
            // Read on a little: a contradicting second decision would come within the same poll or two.
            long until = System.currentTimeMillis() + 1_000;
            while (System.currentTimeMillis() < until) {
                reader.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (!r.topic().equals(replies)) {
                        Decision d = JsonCodec.decode(r.value(), Decision.class);
                        results.computeIfAbsent(d.requestId(), k -> new ArrayList<>()).add(d);
                    }
                });
            }
        }
        assertThat(replied.get(taken.id())).as("the caller gets the decision already made").isEqualTo(before);
        assertThat(results.get(taken.id())).as("and the results topic holds that one only").containsExactly(before);
        assertThat(replied.get(open.id()).outcome()).as("an undecided request is decided as usual").isEqualTo(Outcome.FALLBACK);
        assertThat(results.get(open.id())).hasSize(1);
    }

    /** Every dead-letter reason by record key, read until {@code expected} keys are all there, then to the end of the topic. */
    private Map<String, List<String>> deadLetterReasons(java.util.Collection<String> expected) {
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "dlq-reader", "earliest")) {
            TopicPartition partition = new TopicPartition(kafka.topics().deadLetter(APP), 0);
            consumer.assign(List.of(partition));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                readReasons(consumer, reasons);
                return reasons.keySet().containsAll(expected);
            });
            // Read to the end, so that a second copy of a record would be seen.
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                readReasons(consumer, reasons);
            }
        }
        return reasons;
    }

    private static void readReasons(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<String>> reasons) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> reasons.computeIfAbsent(
                r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                .add(new String(r.headers().lastHeader("rdv-dead-letter-reason").value(), StandardCharsets.UTF_8)));
    }

    private ScoringRequest request(String id, long budgetMs) {
        long now = System.currentTimeMillis();
        return new ScoringRequest(id, APP, JsonCodec.mapper().createObjectNode().put("x", 1), null, now, now + budgetMs, replyTopic, null);
    }

    private ModelScore score(ScoringRequest request, ModelRef model, double p) {
        return new ModelScore(request.id(), APP, model.name(), model.version(), ModelRole.LIVE,
                JsonCodec.mapper().createObjectNode().put("p", p), null, 10, 5, 1, System.currentTimeMillis());
    }

    private void send(ScoringRequest request) {
        producer.send(new ProducerRecord<>(kafka.topics().requests(APP), request.id(), JsonCodec.encode(request)));
        producer.flush();
    }

    private void sendScore(ModelScore score) {
        producer.send(new ProducerRecord<>(kafka.topics().scores(APP), score.requestId(), JsonCodec.encode(score)));
        producer.flush();
    }

    private Decision awaitDecision(String id) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> replies.get(id), d -> d != null);
    }
}
