package dev.rendezvous.archiver;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Not a test (no timing assertions in tests): the archiver's CPU per record, to run by hand.
 * <ul>
 *   <li>{@code write <records> <dir>}: decoy copies through {@link PartitionArchive} (encode, dedupe,
 *   append) with a sync every 300 records, on this thread, no Kafka; five rounds, the first warms up.</li>
 *   <li>{@code paced <requests/s> <seconds> <dir> [<maxSyncDelay>]}: an embedded broker, three
 *   partitions per topic, and per request a decoy copy, two scores and a decision produced at a
 *   steady pace while an {@link Archiver} runs; the {@code archiver} thread's CPU after 3 s of
 *   warm-up, Kafka client included.</li>
 * </ul>
 * {@code mvn -B -q -o dependency:build-classpath -pl archiver -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test &&
 * mvn -B -q -o test-compile -pl archiver && java -Xmx1g -XX:+UseSerialGC -cp "$(cat /tmp/cp.txt):archiver/target/classes:archiver/target/test-classes"
 * dev.rendezvous.archiver.ArchiverCpuMeasurement paced 500 20 /tmp/archiver-cpu}
 */
public final class ArchiverCpuMeasurement {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int PARTITIONS = 3;
    private static final int WARM_UP_SECONDS = 3;

    private ArchiverCpuMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0].equals("write") ? args[2] : args[3]);
        Files.createDirectories(dir);
        switch (args[0]) {
            case "write" -> write(Integer.parseInt(args[1]), dir);
            case "paced" -> paced(Integer.parseInt(args[1]), Integer.parseInt(args[2]), dir, args.length > 4 ? Duration.parse(args[4]) : null);
            default -> throw new IllegalArgumentException("expected write or paced, was " + args[0]);
        }
        System.exit(0);
    }

    private static void write(int n, Path dir) throws Exception {
        Random random = new Random(1);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] key = id(i).getBytes(StandardCharsets.UTF_8);
            byte[] value = request(i, random);
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            decoyHeaders(i, 0, i).forEach(headers::add);
            records.add(new ConsumerRecord<>("fraud.decoy", 0, i, 1_700_000_000_000L + i, TimestampType.CREATE_TIME,
                    key.length, value.length, key, value, headers, Optional.empty()));
        }
        for (int round = 0; round < 5; round++) {
            Path roundDir = Files.createTempDirectory(dir, "write");
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            try (PartitionArchive archive = PartitionArchive.open(roundDir, new ArchiveTarget("fraud", RecordKind.DECOY), 0, 64L << 20)) {
                for (int i = 0; i < n; i++) {
                    archive.append(records.get(i));
                    if (i % 300 == 299) {
                        archive.sync();
                    }
                }
            }
            long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuBefore;
            System.out.printf("write round %d: %.2f cpu-ms per 1000 records%n", round, cpuNanos / 1e6 / n * 1000);
        }
    }

    private static void paced(int requestsPerSecond, int seconds, Path dir, Duration maxSyncDelay) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory(dir, "kafka"), 0)) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), "cpu.");
            TopicNames names = kafka.topics();
            try (Admin admin = kafka.newAdmin("cpu-topics")) {
                new TopicProvisioner(admin, 1, 30_000).ensure(new TopicLayout(names, 1).appTopics("fraud", PARTITIONS, 3_600_000));
            }
            ArchiverSettings settings = ArchiverSettings.of(Files.createTempDirectory(dir, "archive"), Set.of("fraud"));
            if (maxSyncDelay != null) {
                settings = settings.withSyncLimits(maxSyncDelay, settings.maxUnsyncedBytes());
            }
            Random random = new Random(1);
            long requests = (long) requestsPerSecond * seconds;
            long cpuAtWarmUp = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerConfig("cpu"), new ByteArraySerializer(), new ByteArraySerializer());
                 Admin admin = kafka.newAdmin("cpu-watch");
                 Archiver archiver = Archiver.start(kafka, settings)) {
                long start = System.nanoTime();
                for (long i = 0; i < requests; i++) {
                    long wait = start + i * 1_000_000_000L / requestsPerSecond - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (i == (long) requestsPerSecond * WARM_UP_SECONDS) {
                        cpuAtWarmUp = archiverCpuNanos();
                    }
                    int partition = (int) (i % PARTITIONS);
                    byte[] key = id(i).getBytes(StandardCharsets.UTF_8);
                    ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(names.decoy("fraud"), partition, key, request(i, random));
                    decoyHeaders(i, partition, i / PARTITIONS).forEach(copy.headers()::add);
                    producer.send(copy);
                    producer.send(new ProducerRecord<>(names.scores("fraud"), partition, key, score(i, "fraud-lr")));
                    producer.send(new ProducerRecord<>(names.scores("fraud"), partition, key, score(i, "fraud-gbt")));
                    producer.send(new ProducerRecord<>(names.results("fraud"), partition, key, decision(i)));
                }
                producer.flush();
                long expected = requests * 4;
                long committed = 0;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (committed < expected && System.nanoTime() < until) {
                    committed = committed(admin, Archiver.groupId(kafka), names);
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                long cpuNanos = archiverCpuNanos() - cpuAtWarmUp;
                long measured = (requests - (long) requestsPerSecond * WARM_UP_SECONDS) * 4;
                System.out.printf("paced %d requests/s = %d records/s for %d s (max sync delay %s): %d of %d committed; archiver thread %.2f cpu-ms per 1000 records, %.1f cpu-ms per second%n",
                        requestsPerSecond, requestsPerSecond * 4, seconds, settings.maxSyncDelay(), committed, expected,
                        cpuNanos / 1e6 / measured * 1000, cpuNanos / 1e6 / (seconds - WARM_UP_SECONDS));
            }
        }
    }

    private static long archiverCpuNanos() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("archiver"))
                .mapToLong(t -> THREADS.getThreadCpuTime(t.getId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no archiver thread"));
    }

    private static long committed(Admin admin, String group, TopicNames names) throws Exception {
        Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static String id(long i) {
        return String.format("req-%016x", i);
    }

    /** A scoring request as the gateway writes it: five features. */
    private static byte[] request(long i, Random random) {
        ObjectNode features = JsonNodeFactory.instance.objectNode()
                .put("amount", Math.round(random.nextDouble() * 100_000) / 100.0)
                .put("hour", random.nextInt(24))
                .put("merchantRisk", Math.round(random.nextDouble() * 1000) / 1000.0)
                .put("distanceKm", Math.round(random.nextDouble() * 5000) / 10.0)
                .put("cardAgeDays", random.nextInt(4000));
        long now = 1_700_000_000_000L + i;
        return JsonCodec.encode(new ScoringRequest(id(i), "fraud", features, null, now, now + 100, "rdv.replies.gw-1", null));
    }

    private static byte[] score(long i, String model) {
        var output = JsonNodeFactory.instance.objectNode().put("score", (i % 1000) / 1000.0);
        return JsonCodec.encode(new ModelScore(id(i), "fraud", model, "3", ModelRole.LIVE, output, null, 120, 40, 1, 1_700_000_000_001L + i));
    }

    private static byte[] decision(long i) {
        var output = JsonNodeFactory.instance.objectNode().put("score", (i % 1000) / 1000.0);
        long t = 1_700_000_000_000L + i;
        return JsonCodec.encode(new Decision(id(i), "fraud", Outcome.MODEL, "fraud-lr", "3", output, "preferred", 1, null,
                List.of(), List.of(), t, t + 40, t + 2));
    }

    /** The headers the decoy writes, with a trace context. */
    private static List<RecordHeader> decoyHeaders(long i, int partition, long sourceOffset) {
        return List.of(
                header(RecordHeaders.TRACEPARENT, String.format("00-%032x-%016x-01", i, i)),
                header(RecordHeaders.SOURCE_TOPIC, "fraud.requests"),
                header(RecordHeaders.SOURCE_PARTITION, Integer.toString(partition)),
                header(RecordHeaders.SOURCE_OFFSET, Long.toString(sourceOffset)),
                header(RecordHeaders.SOURCE_TIMESTAMP, Long.toString(1_700_000_000_000L + i)),
                header(RecordHeaders.ARRIVAL_MS, Long.toString(1_700_000_000_002L + i)));
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
