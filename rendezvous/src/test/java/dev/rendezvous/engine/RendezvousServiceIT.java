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
import java.time.Duration;
import java.util.ArrayList;
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
        rendezvous = RendezvousService.start(kafka, List.of(APP), "rendezvous-test",
                app -> new PolicyArbiter(policy, () -> live), new SimpleMeterRegistry(), System::currentTimeMillis);
        producer = kafka.newProducer("test-producer");
        KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "test-replies", "earliest");
        consumer.assign(List.of(new TopicPartition(replyTopic, 0)));
        replyReader = new Thread(() -> {
            while (reading) {
                consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                    Decision d = JsonCodec.decode(r.value(), Decision.class);
                    replies.put(d.requestId(), d);
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
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "dlq-reader", "earliest")) {
            consumer.assign(List.of(new TopicPartition(kafka.topics().deadLetter(APP), 0)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> reasons.add(new String(
                        r.headers().lastHeader("rdv-dead-letter-reason").value())));
                return !reasons.isEmpty();
            });
        }
        assertThat(reasons.get(0)).contains("not valid JSON");
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
