package dev.rendezvous.archiver;

import dev.rendezvous.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs the archiver on its own until stopped:
 * {@code ArchiverMain <bootstrap-servers> <archive-dir> <app>[,<app>...] [<topic-prefix>] [options]}.
 */
@Command(name = "archiver", mixinStandardHelpOptions = true,
        description = "Archives the decoy, scores and results topics of applications into NDJSON segments.")
public final class ArchiverMain implements Callable<Integer> {
    @Parameters(index = "0", description = "Kafka bootstrap servers, host:port[,host:port]")
    String bootstrapServers;

    @Parameters(index = "1", description = "archive directory")
    Path archiveDir;

    @Parameters(index = "2", split = ",", description = "applications to archive, comma-separated")
    List<String> apps;

    @Parameters(index = "3", arity = "0..1", defaultValue = "", description = "topic prefix (default: none)")
    String topicPrefix;

    @Option(names = "--max-segment-bytes", description = "seal a segment before it passes this size (default: ${DEFAULT-VALUE})")
    long maxSegmentBytes = ArchiverSettings.DEFAULT_MAX_SEGMENT_BYTES;

    @Option(names = "--max-segment-age", description = "seal a segment once open this long, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration maxSegmentAge = ArchiverSettings.DEFAULT_MAX_SEGMENT_AGE;

    @Option(names = "--max-sync-delay", description = "fsync written lines (then commit their offsets) at most this long after writing them, "
            + "ISO-8601; PT0S syncs after every poll (default: ${DEFAULT-VALUE})")
    Duration maxSyncDelay = ArchiverSettings.DEFAULT_MAX_SYNC_DELAY;

    @Option(names = "--max-unsynced-bytes", description = "also fsync as soon as this many bytes of lines wait (default: ${DEFAULT-VALUE})")
    long maxUnsyncedBytes = ArchiverSettings.DEFAULT_MAX_UNSYNCED_BYTES;

    @Option(names = "--kafka-property", description = "extra Kafka client property key=value (TLS, SASL, group.instance.id …); repeatable")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ArchiverMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, kafkaProperties, topicPrefix, 1);
        ArchiverSettings settings = new ArchiverSettings(archiveDir, new LinkedHashSet<>(apps), EnumSet.allOf(RecordKind.class),
                maxSegmentBytes, maxSegmentAge, maxSyncDelay, maxUnsyncedBytes, java.util.Map.of());
        Archiver archiver = Archiver.start(kafka, settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            archiver.close();
            stopped.countDown();
        }, "archiver-shutdown"));
        stopped.await();
        return 0;
    }
}
