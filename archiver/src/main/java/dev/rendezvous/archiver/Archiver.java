package dev.rendezvous.archiver;

import dev.rendezvous.archiver.segment.DurableFiles;
import dev.rendezvous.archiver.snapshot.SnapshotScheduler;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver: a consumer group that appends every record of the applications' decoy, scores and
 * results topics, and of the control plane's policy and registry topics, to NDJSON segment files, committing offsets only once the lines are fsync'd, and
 * skipping on restart what the files already hold, so each record is archived exactly once.
 */
public final class Archiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
    /** How often schedules are looked at: a snapshot lands at most this late after its slot starts. */
    private static final Duration SCHEDULE_CHECK = Duration.ofSeconds(1);
    /** The poll thread handles seal requests once a second; 30 s is what {@code snapshot create} waits by default too. */
    private static final Duration SCHEDULED_SEAL_TIMEOUT = Duration.ofSeconds(30);

    private final PollLoop<byte[]> loop;
    private final SnapshotScheduler schedule;
    private final ArchiveLoop handler;
    private final TopicNames names;
    private final ArchiverSettings settings;

    private Archiver(PollLoop<byte[]> loop, SnapshotScheduler schedule, ArchiveLoop handler, TopicNames names, ArchiverSettings settings) {
        this.loop = loop;
        this.schedule = schedule;
        this.handler = handler;
        this.names = names;
        this.settings = settings;
    }

    /** The consumer group: {@code archiver} under the topic prefix, so that platforms sharing a cluster keep apart. */
    public static String groupId(KafkaSettings settings) {
        return settings.topicPrefix() + "archiver";
    }

    /** Archives the decoy, scores and results topics of {@code apps} into {@code archiveDir}. */
    public static Archiver start(KafkaSettings kafka, Path archiveDir, Set<String> apps) {
        return start(kafka, ArchiverSettings.of(archiveDir, apps));
    }

    public static Archiver start(KafkaSettings kafka, ArchiverSettings settings) {
        requireWritable(settings.archiveDir());
        Map<String, ArchiveTarget> targets = targets(kafka.topics(), settings);
        String groupId = groupId(kafka);
        KafkaConsumer<byte[], byte[]> consumer = kafka.newBatchingConsumer(groupId, groupId, "earliest");
        ArchiveLoop handler = new ArchiveLoop(settings, targets);
        PollLoop<byte[]> loop = new PollLoop<>("archiver", consumer, handler::subscribe, handler).start();
        LOG.info("archiver: archiving {} into {} in group {}", targets.keySet(), settings.archiveDir(), groupId);
        SnapshotScheduler schedule = settings.snapshotSchedules().isEmpty() ? null
                : SnapshotScheduler.start(settings.archiveDir(), settings.snapshotSchedules(), SCHEDULE_CHECK, SCHEDULED_SEAL_TIMEOUT);
        return new Archiver(loop, schedule, handler, kafka.topics(), settings);
    }

    /**
     * Archives also the topics of apps created while the archiver runs (the shared control topics are
     * archived already); the group rebalances to take them up. Returns at once.
     */
    public void addApps(Set<String> apps) {
        Map<String, ArchiveTarget> more = new LinkedHashMap<>(targets(names, settings.withApps(apps)));
        more.values().removeIf(target -> target.kind().controlPlane());
        loop.resubscribe(c -> handler.addTargets(c, more));
        LOG.info("archiver: also archiving {}", more.keySet());
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Stops consuming, fsyncs and closes the open segments, and commits what they hold. */
    @Override
    public void close() {
        if (schedule != null) {
            schedule.close();
        }
        loop.close();
    }

    private static Map<String, ArchiveTarget> targets(TopicNames names, ArchiverSettings settings) {
        Map<String, ArchiveTarget> targets = new LinkedHashMap<>();
        for (String app : settings.apps()) {
            for (RecordKind kind : settings.kinds()) {
                if (!kind.controlPlane()) {
                    targets.put(kind.topic(names, app), new ArchiveTarget(app, kind));
                }
            }
        }
        for (RecordKind kind : settings.kinds()) {
            if (kind.controlPlane()) {
                // One topic for all apps, archived whole: an investigator may need another app's history too.
                targets.put(kind.topic(names, null), new ArchiveTarget(RecordKind.CONTROL_DIR, kind));
            }
        }
        return targets;
    }

    private static void requireWritable(Path archiveDir) {
        try {
            DurableFiles.createDirectoriesDurably(archiveDir);
        } catch (IOException e) {
            throw new IllegalStateException("archiver.archiveDir " + archiveDir + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(archiveDir)) {
            throw new IllegalStateException("archiver.archiveDir " + archiveDir + " is not writable");
        }
    }
}
