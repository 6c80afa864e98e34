package dev.rendezvous.archiver;

import dev.rendezvous.archive.format.segment.SegmentSeals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the archiver as a child JVM and kills it with SIGKILL while records stream in. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ArchiverCrashIT {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiverCrashIT.class);
    private static final String APP = "fraud";
    private static final int PARTITIONS = 2;
    private static final int KILLS = 5;

    @TempDir
    Path archiveDir;

    @Test
    void archivesEveryRecordExactlyOnceAndByteIdenticalAcrossFiveKillsMidStream(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings settings = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("crash"));
        TopicNames names = settings.topics();
        try (Admin admin = settings.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(names, 1).appTopics(APP, PARTITIONS, 3_600_000L));
        }
        long seed = System.nanoTime();
        LOG.info("crash test seed {}", seed);
        Random random = new Random(seed);
        Map<String, byte[]> produced = new ConcurrentHashMap<>();

        try (DecoyStream stream = new DecoyStream(settings, names, produced)) {
            for (int kill = 1; kill <= KILLS; kill++) {
                Process archiver = startChild(settings, kill);
                try {
                    long before = archivedLineCount();
                    long more = 1 + random.nextInt(400);
                    await("run " + kill + " archives " + more + " more records").atMost(Duration.ofSeconds(60)).until(() -> {
                        assertThat(archiver.isAlive()).as("child archiver alive").isTrue();
                        return archivedLineCount() >= before + more;
                    });
                } finally {
                    archiver.destroyForcibly();
                    assertThat(archiver.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
            }
            stream.stop();
        }

        Process last = startChild(settings, KILLS + 1);
        try {
            await("everything produced is archived").atMost(Duration.ofSeconds(60))
                    .until(() -> archivedCoordinates().keySet().containsAll(produced.keySet()));
        } finally {
            last.destroy();
            assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        List<byte[]> lines = archivedLines();
        Map<String, byte[]> archived = archivedCoordinates();
        assertThat(lines).as("no record archived twice").hasSize(archived.size());
        assertThat(archived.keySet()).as("every produced record archived, nothing else").isEqualTo(produced.keySet());
        for (byte[] line : lines) {
            ArchivedLine parsed = ArchivedLine.parse(line);
            byte[] expected = produced.get(coordinates(parsed));
            assertThat(ArchivedLine.value(line)).as("value of %s", coordinates(parsed)).isEqualTo(expected);
            assertThat(parsed.sha256()).isEqualTo(LineEncoder.sha256(expected));
        }
        List<SegmentSeal> seals = SegmentCatalog.sealed(archiveDir.resolve(APP));
        assertThat(seals).as("segments sealed while the archiver was being killed").hasSizeGreaterThan(KILLS);
        for (SegmentSeal seal : seals) {
            assertThat(SegmentSeals.sha256(SegmentCatalog.path(archiveDir.resolve(APP), seal))).as(seal.file()).isEqualTo(seal.sha256());
        }
        LOG.info("crash test: {} records archived exactly once in {} segments ({} sealed)", produced.size(), countSegments(), seals.size());
    }

    /** Small, quickly aging segments, so that kills also land while sealing; static membership, so a restart takes over at once. */
    private Process startChild(KafkaSettings settings, int run) throws IOException {
        Path log = Path.of("target", "archiver-crash-it", "run-" + run + ".log");
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ArchiverMain.class.getName(),
                settings.bootstrapServers(), archiveDir.toString(), APP, settings.topicPrefix(),
                "--max-segment-bytes", "32768", "--max-segment-age", "PT1S",
                "--kafka-property", "group.instance.id=" + settings.topicPrefix() + "archiver-0",
                "--kafka-property", "session.timeout.ms=10000"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private long archivedLineCount() {
        return archivedLines().size();
    }

    private Map<String, byte[]> archivedCoordinates() {
        Map<String, byte[]> coordinates = new HashMap<>();
        for (byte[] line : archivedLines()) {
            coordinates.put(coordinates(ArchivedLine.parse(line)), line);
        }
        return coordinates;
    }

    /** Complete lines of every decoy segment; a line being written is left out, never half there. */
    private List<byte[]> archivedLines() {
        Path dir = archiveDir.resolve(APP).resolve("decoy");
        List<byte[]> lines = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
                SegmentLines.read(file, (position, line, length) -> lines.add(Arrays.copyOf(line, length)));
            }
        } catch (IOException e) {
            // A segment the child removed after a crash (nothing in it survived) vanished while listed: look again.
            return archivedLines();
        }
        return lines;
    }

    private long countSegments() throws IOException {
        try (Stream<Path> files = Files.list(archiveDir.resolve(APP).resolve("decoy"))) {
            return files.filter(f -> f.toString().endsWith(".ndjson")).count();
        }
    }

    private static String coordinates(ArchivedLine line) {
        return line.topic() + "-" + line.partition() + "@" + line.offset();
    }

    /** Produces decoy copies at a steady pace until stopped, remembering each acknowledged record by its coordinates. */
    private static final class DecoyStream implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        DecoyStream(KafkaSettings settings, TopicNames names, Map<String, byte[]> produced) {
            producer = new KafkaProducer<>(settings.producerConfig("crash-test"), new ByteArraySerializer(), new ByteArraySerializer());
            pacer.scheduleAtFixedRate(() -> {
                for (int n = 0; n < 5; n++) {
                    int i = next.getAndIncrement();
                    int partition = i % PARTITIONS;
                    byte[] value = ("{\"id\":\"r-" + i + "\",\"app\":\"fraud\",\"features\":{\"amount\":" + (i * 7 % 1000) + ".5}}")
                            .getBytes(StandardCharsets.UTF_8);
                    var record = new ProducerRecord<>(names.decoy(APP), partition, ("r-" + i).getBytes(StandardCharsets.UTF_8), value);
                    record.headers().add(new RecordHeader(RecordHeaders.SOURCE_TOPIC, names.requests(APP).getBytes(StandardCharsets.UTF_8)));
                    record.headers().add(new RecordHeader(RecordHeaders.SOURCE_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8)));
                    record.headers().add(new RecordHeader(RecordHeaders.SOURCE_OFFSET, Integer.toString(i / PARTITIONS).getBytes(StandardCharsets.UTF_8)));
                    producer.send(record, (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            produced.put(metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset(), value);
                        }
                    });
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
        }

        void stop() throws InterruptedException {
            pacer.shutdown();
            assertThat(pacer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            producer.flush();
            assertThat(failure.get()).as("every produce acknowledged").isNull();
        }

        @Override
        public void close() {
            pacer.shutdownNow();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
