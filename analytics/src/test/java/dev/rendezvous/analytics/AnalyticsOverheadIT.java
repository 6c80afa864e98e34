package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check (run it by hand, docs/performance.md "Analytics service overhead"):
 * the analytics service alone on the real broker, fed the records the request path writes per
 * request (three demo models' scores and a decision, in the protocol's JSON) at a fixed rate, and the
 * CPU time of the service's own threads (the stream thread, its producer's network thread, any
 * consumer background thread) per request. The only assertion is that every request was counted.
 *
 * <pre>mvn -B -o -pl analytics -am verify -Djib.skip -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=AnalyticsOverheadIT -Drdv.analytics.overhead=true [-Drdv.analytics.overhead.rate=300] [-Drdv.analytics.overhead.seconds=40]</pre>
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@EnabledIfSystemProperty(named = "rdv.analytics.overhead", matches = "true")
class AnalyticsOverheadIT {
    private static final String APP = "fraud";

    @Test
    void measuresTheServicesCpuPerRequest(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        int rate = Integer.getInteger("rdv.analytics.overhead.rate", 300);
        int seconds = Integer.getInteger("rdv.analytics.overhead.seconds", 40);
        int warmUpSeconds = 10;
        String prefix = EmbeddedKafkaExtension.uniquePrefix("overhead");
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), prefix);
        TopicNames topics = kafka.topics();
        try (Admin admin = kafka.newAdmin("overhead-admin")) {
            List<NewTopic> created = new ArrayList<>(List.of(new NewTopic(topics.scores(APP), 3, (short) 1),
                    new NewTopic(topics.results(APP), 3, (short) 1)));
            for (TopicSpec spec : new TopicLayout(topics, 1).analyticsTopics(APP, 3_600_000)) {
                created.add(new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs()));
            }
            admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
        }
        AnalyticsSettings settings = AnalyticsSettings.DEFAULT;
        settings = new AnalyticsSettings(settings.windowsMs(), settings.slidingWindows(), settings.settleMs(), settings.emitIntervalMs(),
                settings.minSamples(), settings.driftThreshold(), settings.disagreementThreshold(), settings.scoreTolerance(), settings.thresholds(),
                dir.resolve("state"), false);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String applicationId = AnalyticsService.applicationId(kafka);
        try (AnalyticsService service = AnalyticsService.start(kafka, List.of(APP), settings, registry, Duration.ofSeconds(60));
             KafkaProducer<String, byte[]> producer = kafka.newProducer("overhead-load")) {
            Random random = new Random(5);
            long startNanos = System.nanoTime();
            long measuredFromNanos = startNanos + TimeUnit.SECONDS.toNanos(warmUpSeconds);
            long cpuAtStartNanos = -1;
            long requestsAtStart = 0;
            long sent = 0;
            long total = (long) rate * seconds;
            while (sent < total) {
                long dueNanos = startNanos + sent * 1_000_000_000L / rate;
                long waitNanos = dueNanos - System.nanoTime();
                if (waitNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
                if (cpuAtStartNanos < 0 && System.nanoTime() >= measuredFromNanos) {
                    cpuAtStartNanos = serviceCpuNanos(threads, applicationId);
                    requestsAtStart = sent;
                }
                send(producer, topics, "req-" + sent + "-" + UUID.randomUUID(), random);
                sent++;
            }
            long measured = sent - requestsAtStart;
            // Everything sent is counted (settled) within a few seconds; the CPU is read once it is.
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> registry.find("rdv.analytics.settled").counter() != null
                            && registry.get("rdv.analytics.settled").counter().count() >= total);
            long cpuNanos = serviceCpuNanos(threads, applicationId) - cpuAtStartNanos;
            double wallSeconds = (System.nanoTime() - measuredFromNanos) / 1e9;
            System.out.printf("AnalyticsOverheadIT: %d req/s, %d requests measured after %d s warm-up: the service's threads used %.1f ms CPU, "
                            + "%.3f ms per request, %.3f cores over %.1f s; load average %.2f%n", rate, measured, warmUpSeconds, cpuNanos / 1e6,
                    cpuNanos / 1e6 / measured, cpuNanos / 1e9 / wallSeconds, wallSeconds,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().contains(applicationId)) {
                    System.out.printf("AnalyticsOverheadIT:   %s %.1f ms CPU in all%n", info.getThreadName(),
                            threads.getThreadCpuTime(info.getThreadId()) / 1e6);
                }
            }
            assertThat(registry.get("rdv.analytics.settled").counter().count()).isEqualTo((double) total);
        }
    }

    /** CPU time of the live threads named after the service's application id (Streams names its threads, and their clients', after it). */
    private static long serviceCpuNanos(ThreadMXBean threads, String applicationId) {
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(applicationId)) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, cpu);
            }
        }
        return sum;
    }

    /** One request's records as the request path writes them: the three demo models' scores, then the decision. */
    private static void send(KafkaProducer<String, byte[]> producer, TopicNames topics, String id, Random random) {
        long now = System.currentTimeMillis();
        String[][] models = {{"fraud-fm", "1", "live"}, {"fraud-lr", "1", "live"}, {"fraud-lr", "2", "canary"}};
        List<Candidate> candidates = new ArrayList<>();
        for (String[] m : models) {
            double fraud = random.nextDouble() * 0.3;
            ObjectNode output = JsonCodec.mapper().createObjectNode();
            output.putArray("output").add(fraud).add(1 - fraud);
            output.put("label", fraud >= 0.5 ? "fraud" : "legit");
            ModelScore score = new ModelScore(id, APP, m[0], m[1], ModelRole.parse(m[2]), output, null, 300, 120, 4, now + 5,
                    "d62025b1d8868a918812a38b77478c9d0b0db0d339b97cbc3625a0f14296568f", null, "batch-" + id, 0);
            producer.send(new ProducerRecord<>(topics.scores(APP), id, JsonCodec.encode(score)));
            candidates.add(new Candidate(m[0], m[1], ModelRole.parse(m[2]), 5, null));
        }
        ObjectNode served = JsonCodec.mapper().createObjectNode();
        served.putArray("output").add(0.1).add(0.9);
        served.put("label", "legit");
        producer.send(new ProducerRecord<>(topics.results(APP), id, JsonCodec.encode(new Decision(id, APP, Outcome.MODEL, "fraud-fm", "1", served,
                "preferred", 1, null, candidates, List.of(), now, now + 100, now + 8, null, null, null))));
    }
}
