package dev.rendezvous.archiver;

import dev.rendezvous.archiver.segment.SealRequests;
import dev.rendezvous.kafka.BatchRetry;
import dev.rendezvous.kafka.PendingOffsets;
import dev.rendezvous.kafka.PollLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives each polled batch: append per partition, fsync, and only then commit the offsets. A
 * partition whose batch failed is read again from the batch start after a pause; what reached the
 * disk before the failure is recognised by offset and not written twice. After each poll (records or
 * not, so that idle partitions seal too) it seals segments that reached their maximum age, and serves
 * seal requests (see {@link SealRequests}).
 */
final class ArchiveLoop implements PollLoop.Handler<byte[]>, ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveLoop.class);

    private final ArchiverSettings settings;
    private final Map<String, ArchiveTarget> targets;
    private final Map<TopicPartition, PartitionArchive> open = new HashMap<>();
    private final PendingOffsets pending = new PendingOffsets("archiver");
    private final BatchRetry retry = new BatchRetry(Duration.ofSeconds(1));
    private final Map<String, Long> servedSealRequestMs = new HashMap<>();
    private long nextSealRequestCheckMs;
    private KafkaConsumer<byte[], byte[]> consumer;

    ArchiveLoop(ArchiverSettings settings, Map<String, ArchiveTarget> targets) {
        this.settings = settings;
        this.targets = Map.copyOf(targets);
    }

    /** Subscribes with this loop as the rebalance listener; runs on the poll thread. */
    void subscribe(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        consumer.subscribe(List.copyOf(targets.keySet()), this);
    }

    @Override
    public void onRecords(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        retry.resumeIfDue(consumer);
        List<TopicPartition> failed = new ArrayList<>();
        for (TopicPartition partition : records.partitions()) {
            if (archive(partition, records.records(partition))) {
                pending.markDone(records, partition);
            } else {
                failed.add(partition);
            }
        }
        if (!failed.isEmpty()) {
            retry.retryLater(consumer, records, failed);
        }
        pending.commit(consumer);
        sealDueSegments();
        serveSealRequests(consumer);
    }

    /** Sealing changes no line, so it needs no commit; a failure abandons the partition, whose reopening seals again. */
    private void sealDueSegments() {
        for (TopicPartition partition : List.copyOf(open.keySet())) {
            try {
                open.get(partition).sealIfDue();
            } catch (IOException | RuntimeException e) {
                LOG.error("archiver: cannot seal the open segment of {} ({}); retrying when it is reopened", partition, e.toString());
                abandon(partition);
            }
        }
    }

    /** Checked once a second: one directory listing per application. */
    private void serveSealRequests(KafkaConsumer<byte[], byte[]> consumer) {
        long now = System.currentTimeMillis();
        if (now < nextSealRequestCheckMs) {
            return;
        }
        nextSealRequestCheckMs = now + 1000;
        Map<String, Long> newest = new HashMap<>();
        for (ArchiveTarget target : targets.values()) {
            if (!newest.containsKey(target.app())) {
                try {
                    newest.put(target.app(), SealRequests.newestRequestMs(settings.archiveDir().resolve(target.app())));
                } catch (IOException e) {
                    LOG.warn("archiver: cannot read the seal requests of {}: {}", target.app(), e.toString());
                }
            }
        }
        newest.forEach((app, requestMs) -> {
            // Served only once some partition of the app is assigned: a request filed during start-up must not be lost.
            if (requestMs > servedSealRequestMs.getOrDefault(app, -1L) && sealAssignedPartitions(consumer, app) > 0) {
                servedSealRequestMs.put(app, requestMs);
            }
        });
    }

    /** Also opens assigned partitions that got no record since the start: their newest segment may be unsealed. */
    private int sealAssignedPartitions(KafkaConsumer<byte[], byte[]> consumer, String app) {
        int assigned = 0;
        for (TopicPartition partition : consumer.assignment()) {
            if (!targets.get(partition.topic()).app().equals(app)) {
                continue;
            }
            assigned++;
            try {
                PartitionArchive archive = open.get(partition);
                if (archive == null) {
                    archive = openPartition(partition);
                    open.put(partition, archive);
                }
                archive.sealNow();
            } catch (IOException | RuntimeException e) {
                LOG.error("archiver: cannot seal {} on request: {}", partition, e.toString());
                abandon(partition);
            }
        }
        if (assigned > 0) {
            LOG.info("archiver: sealed the open segments of {} on request", app);
        }
        return assigned;
    }

    @Override
    public void onStop(KafkaConsumer<byte[], byte[]> consumer) {
        closeAll(List.copyOf(open.keySet()));
        // The stop may have interrupted the last commit; everything pending is already on disk.
        pending.commit(consumer);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        pending.commit(consumer);
        closeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        closeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // Partitions are opened (and their segments recovered) on their first record.
    }

    private boolean archive(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> batch) {
        try {
            PartitionArchive archive = open.get(partition);
            if (archive == null) {
                archive = openPartition(partition);
                open.put(partition, archive);
            }
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                archive.append(record);
            }
            archive.sync();
            return true;
        } catch (IOException e) {
            // Disk full, permissions, a vanished mount: repeated every second until fixed, so no stack trace.
            LOG.error("archiver: cannot archive {} offsets {}..{} ({}); reading them again in 1 s",
                    partition, batch.get(0).offset(), batch.get(batch.size() - 1).offset(), e.toString());
            abandon(partition);
            return false;
        } catch (RuntimeException e) {
            LOG.error("archiver: bug while archiving {} offsets {}..{}; reading them again in 1 s",
                    partition, batch.get(0).offset(), batch.get(batch.size() - 1).offset(), e);
            abandon(partition);
            return false;
        }
    }

    private void abandon(TopicPartition partition) {
        PartitionArchive archive = open.remove(partition);
        if (archive != null) {
            archive.abandon();
        }
    }

    private PartitionArchive openPartition(TopicPartition partition) throws IOException {
        ArchiveTarget target = targets.get(partition.topic());
        PartitionArchive archive = PartitionArchive.open(settings.archiveDir(), target, partition.partition(),
                settings.segmentLimits(), System::currentTimeMillis);
        LOG.info("archiver: {} opened in {}, archived up to offset {}", partition, target.directory(settings.archiveDir()), archive.lastOffset());
        return archive;
    }

    private void closeAll(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            PartitionArchive archive = open.remove(partition);
            if (archive == null) {
                continue;
            }
            try {
                archive.close();
                LOG.info("archiver: {} closed after archiving {} records and skipping {} already archived",
                        partition, archive.archived(), archive.skipped());
            } catch (IOException e) {
                // Uncommitted lines that did not reach the disk are read again by the next owner.
                LOG.error("archiver: cannot close {} cleanly: {}", partition, e.toString());
            }
        }
    }
}
