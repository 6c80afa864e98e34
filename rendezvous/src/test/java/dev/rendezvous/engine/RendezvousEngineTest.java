package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.DeadLetters;
import dev.rendezvous.policy.Member;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on a {@link MockConsumer} and a virtual clock: a decision at the deadline is the one the log
 * implies, whatever this instance had read when the deadline came (issue 15, contradicting decisions).
 */
class RendezvousEngineTest {
    private static final TopicNames TOPICS = new TopicNames("");
    private static final String APP = "fraud";
    private static final long RECEIVED = 1_000_000L;
    private static final Policy POLICY = PolicyParser.parse("""
            app: fraud
            deadline: 100ms
            stages:
              - accept: [fraud-lr@1]
            fallback: {output: {label: legit}, reason: none in time}
            """, 4);
    private static final TopicPartition REQUESTS = new TopicPartition(TOPICS.requests(APP), 0);
    private static final TopicPartition SCORES = new TopicPartition(TOPICS.scores(APP), 0);
    private static final TopicPartition RESULTS = new TopicPartition(TOPICS.results(APP), 0);

    /**
     * A consumer whose lag is as stale as a real one's can be (zero as of its last fetch, though more was
     * appended since), and whose broker can stop answering.
     */
    private static final class StaleLagConsumer extends MockConsumer<byte[], byte[]> {
        boolean brokerAway;

        StaleLagConsumer() {
            super("earliest");
        }

        @Override
        public synchronized OptionalLong currentLag(TopicPartition partition) {
            return OptionalLong.of(0);
        }

        /** The end offsets the broker would give, or a failure when it is away (what the service asks its Admin client). */
        CompletableFuture<Long> latest(TopicPartition partition) {
            return brokerAway ? CompletableFuture.failedFuture(new TimeoutException("no answer"))
                    : CompletableFuture.completedFuture(endOffsets(List.of(partition)).get(partition));
        }
    }

    private final AtomicLong clock = new AtomicLong(RECEIVED);
    private final StaleLagConsumer consumer = new StaleLagConsumer();
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RendezvousEngine engine;

    @BeforeEach
    void start() {
        engine = engine(consumer, "rendezvous", null);
        sendRequest(consumer, "r-1");
        pollAt(RECEIVED + 1);
    }

    /** An owner ({@code standby} null) or a standby deciding what {@code reading} reads, publishing to the test's producer. */
    private RendezvousEngine engine(StaleLagConsumer reading, String service, StandbySettings standby) {
        DeadLetters deadLetters = new DeadLetters(producer, service, "test");
        DecisionPublisher publisher = new DecisionPublisher(producer, TOPICS, deadLetters, topic -> true, registry, clock::get);
        PolicyArbiter arbiter = new PolicyArbiter(POLICY, () -> Set.of(new Member(ModelRef.parse("fraud-lr@1"), ModelRole.LIVE)));
        return standby == null
                ? new RendezvousEngine(TOPICS, List.of(APP), app -> arbiter, publisher, deadLetters, null, reading::latest, registry, clock::get)
                : new RendezvousEngine(TOPICS, List.of(APP), app -> arbiter, publisher, deadLetters, null, reading::latest,
                        new SimpleMeterRegistry(), clock::get, standby, new StandbyMeters(registry), RendezvousSettings.DEFAULTS);
    }

    /** Assigns the app's partitions and puts a request received at {@link #RECEIVED}, deadline 100 ms, in the log. */
    private static void sendRequest(StaleLagConsumer reading, String id) {
        reading.assign(List.of(REQUESTS, SCORES, RESULTS));
        reading.updateBeginningOffsets(Map.of(REQUESTS, 0L, SCORES, 0L, RESULTS, 0L));
        reading.updateEndOffsets(Map.of(REQUESTS, 1L, SCORES, 0L, RESULTS, 0L));
        ScoringRequest request = new ScoringRequest(id, APP, JsonCodec.mapper().createObjectNode().put("amount", 1), null,
                RECEIVED, RECEIVED + 100, null, null);
        reading.addRecord(record(REQUESTS, 0, RECEIVED, TimestampType.CREATE_TIME, JsonCodec.encode(request)));
    }

    @Test
    void aScoreInTheLogByTheDeadlineButNotReadYetIsWaitedForNotOverruledByTheFallback() {
        consumer.updateEndOffsets(Map.of(SCORES, 1L));

        pollAt(RECEIVED + 105);
        assertThat(decisions()).as("undecided while the log holds an unread score").isEmpty();

        consumer.addRecord(record(SCORES, 0, RECEIVED + 90, TimestampType.LOG_APPEND_TIME, JsonCodec.encode(scoreAt(RECEIVED + 90))));
        pollAt(RECEIVED + 106);
        assertThat(decisions()).singleElement().satisfies(decision -> {
            assertThat(decision.outcome()).isEqualTo(Outcome.MODEL);
            assertThat(decision.model()).isEqualTo("fraud-lr");
        });
    }

    @Test
    void anIdlePartitionIsDecidedOnceTheBrokerShowsNothingUnread() {
        pollAt(RECEIVED + 100 + ScoresReadThrough.CLOCK_SKEW_MS);
        assertThat(decisions()).isEmpty();

        pollAt(RECEIVED + 100 + ScoresReadThrough.CLOCK_SKEW_MS + 1);
        assertThat(decisions()).as("the end asked for").isEmpty();

        pollAt(RECEIVED + 100 + ScoresReadThrough.CLOCK_SKEW_MS + 2);
        assertThat(decisions()).singleElement().extracting(Decision::outcome).isEqualTo(Outcome.FALLBACK);
        assertThat(registry.find("rdv.rendezvous.decisions.unproven").counter()).isNull();
    }

    @Test
    void withoutAnAnswerFromTheBrokerTheFallbackStillComesBoundedAndIsCounted() {
        consumer.brokerAway = true;

        pollAt(RECEIVED + 150);
        assertThat(decisions()).isEmpty();

        pollAt(RECEIVED + 249);
        assertThat(decisions()).as("held back 99 ms since the first look").isEmpty();
        pollAt(RECEIVED + 250);
        assertThat(decisions()).singleElement().extracting(Decision::outcome).isEqualTo(Outcome.FALLBACK);
        assertThat(registry.get("rdv.rendezvous.decisions.unproven").tag("app", APP).counter().count()).isEqualTo(1.0);
    }

    @Test
    void anOwnerThatStalledPastTheDeadlineReadsTheScoresBeforeItDecides() {
        consumer.updateEndOffsets(Map.of(SCORES, 1L));

        pollAt(RECEIVED + 375);
        assertThat(decisions()).as("275 ms late, the log still holds an unread score").isEmpty();

        consumer.addRecord(record(SCORES, 0, RECEIVED + 90, TimestampType.LOG_APPEND_TIME, JsonCodec.encode(scoreAt(RECEIVED + 90))));
        pollAt(RECEIVED + 376);
        assertThat(decisions()).singleElement().extracting(Decision::outcome).isEqualTo(Outcome.MODEL);
    }

    @Test
    void aScoreReadBeforeTheDeadlineIsServedAtOnceWithoutAskingTheBroker() {
        consumer.brokerAway = true;
        consumer.addRecord(record(SCORES, 0, RECEIVED + 20, TimestampType.LOG_APPEND_TIME, JsonCodec.encode(scoreAt(RECEIVED + 20))));

        pollAt(RECEIVED + 21);
        assertThat(decisions()).singleElement().extracting(Decision::outcome).isEqualTo(Outcome.MODEL);
    }

    @Test
    void aStandbyAnswersAnIdlePartitionsRequestOfAHungOwnerWithinItsTakeoverDelay() {
        StaleLagConsumer standbyConsumer = new StaleLagConsumer();
        RendezvousEngine standby = engine(standbyConsumer, "rendezvous-standby", StandbySettings.DEFAULTS);
        sendRequest(standbyConsumer, "r-2");

        long published = -1;
        for (long now = RECEIVED + 1; now <= RECEIVED + 400 && published < 0; now++) {
            clock.set(now);
            standby.onRecords(standbyConsumer, standbyConsumer.poll(Duration.ZERO));
            if (decisions().stream().anyMatch(decision -> decision.requestId().equals("r-2"))) {
                published = now;
            }
        }

        assertThat(published - RECEIVED).as("published ms after receipt (deadline 100, takeover delay %d)",
                StandbySettings.DEFAULTS.takeoverDelayMs()).isBetween(100L, 100L + StandbySettings.DEFAULTS.takeoverDelayMs() + 5);
    }

    private void pollAt(long nowMs) {
        clock.set(nowMs);
        engine.onRecords(consumer, consumer.poll(Duration.ZERO));
    }

    private List<Decision> decisions() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(RESULTS.topic()))
                .map(ProducerRecord::value)
                .map(value -> JsonCodec.decode(value, Decision.class))
                .toList();
    }

    private static ModelScore scoreAt(long scoredAtMs) {
        return new ModelScore("r-1", APP, "fraud-lr", "1", ModelRole.LIVE,
                JsonCodec.mapper().createObjectNode().put("label", "fraud"), null, 10, 100, 1, scoredAtMs);
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, long timestamp, TimestampType type, byte[] value) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, timestamp, type, 0, value.length,
                "r-1".getBytes(), value, new RecordHeaders(), Optional.empty());
    }
}
