package dev.rendezvous.archiver;

import dev.rendezvous.archiver.segment.SealRequests;
import dev.rendezvous.kafka.BatchRetry;
import dev.rendezvous.kafka.PendingOffsets;
import dev.rendezvous.kafka.PollLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives each polled batch: appends it per partition, fsyncs the written lines at most every
 * {@link ArchiverSettings#maxSyncDelay()} (or sooner, once {@link ArchiverSettings#maxUnsyncedBytes()}
 * wait; see {@link UnsyncedBatches}), and commits a partition's offsets only after the sync that
 * covers them. A partition whose lines cannot be written or synced is read again, from its first
 * unsynced batch, after a pause; what reached the disk before the failure is recognised by offset and
 * not written twice. After each poll (records or not, so that idle partitions seal too) it seals
 * segments that reached their maximum age, and serves seal requests (see {@link SealRequests}).
 */
final class ArchiveLoop implements PollLoop.Handler<byte[]>, ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveLoop.class);
    /** PollLoop's usual poll timeout; shorter when a sync falls due sooner. */
    private static final long MAX_POLL_TIMEOUT_MS = 100;

    private final ArchiverSettings settings;
    private final Map<String, ArchiveTarget> targets;
    private final LongSupplier monotonicMs;
    private final Map<TopicPartition, PartitionArchive> open = new HashMap<>();
    private final UnsyncedBatches unsynced;
    private final PendingOffsets pending = new PendingOffsets("archiver");
    private final BatchRetry retry = new BatchRetry(Duration.ofSeconds(1));
    private final Map<String, Long> servedSealRequestMs = new HashMap<>();
    private long nextSealRequestCheckMs;
    private Consumer<byte[], byte[]> consumer;

    ArchiveLoop(ArchiverSettings settings, Map<String, ArchiveTarget> targets) {
        this(settings, targets, () -> System.nanoTime() / 1_000_000);
    }

    /** @param monotonicMs the clock of the sync schedule, in milliseconds from any origin */
    ArchiveLoop(ArchiverSettings settings, Map<String, ArchiveTarget> targets, LongSupplier monotonicMs) {
        this.settings = settings;
        // Grows on the poll thread only, when an app is added (Archiver#addApps).
        this.targets = new java.util.LinkedHashMap<>(targets);
        this.monotonicMs = monotonicMs;
        this.unsynced = new UnsyncedBatches(settings.maxSyncDelay().toMillis(), settings.maxUnsyncedBytes());
    }

    /** Subscribes with this loop as the rebalance listener; runs on the poll thread. */
    void subscribe(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        consumer.subscribe(List.copyOf(targets.keySet()), this);
    }

    /** Adds the topics of new apps and subscribes to every target; runs on the poll thread. */
    void addTargets(Consumer<byte[], byte[]> consumer, Map<String, ArchiveTarget> more) {
        targets.putAll(more);
        subscribe(consumer);
    }

    @Override
    public void onRecords(Consumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        handle(consumer, records);
    }

    /** {@link #onRecords} for any {@link Consumer}, so that tests can drive the loop without a broker. */
    void handle(Consumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        retry.resumeIfDue(consumer);
        for (TopicPartition partition : records.partitions()) {
            archive(consumer, partition, records);
        }
        if (unsynced.isDue(monotonicMs.getAsLong())) {
            sync(consumer, unsynced.partitions());
        }
        // Also retries a commit that failed; nothing to do (and no request) while nothing is pending.
        pending.commit(consumer);
        sealDueSegments(consumer);
        serveSealRequests(consumer);
    }

    @Override
    public Duration nextPollTimeout() {
        return Duration.ofMillis(Math.min(MAX_POLL_TIMEOUT_MS, unsynced.msUntilDue(monotonicMs.getAsLong())));
    }

    private void sync(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            try {
                open.get(partition).sync();
                unsynced.synced(partition, pending);
            } catch (IOException | RuntimeException e) {
                LOG.error("archiver: cannot sync {} ({}); reading its unsynced records again in 1 s", partition, e.toString());
                fail(consumer, partition, null);
            }
        }
    }

    /**
     * Sealing changes no line, so it needs no commit (its sync leaves the next scheduled sync nothing
     * to force for the partition). A failure abandons the partition, whose reopening seals again.
     */
    private void sealDueSegments(Consumer<byte[], byte[]> consumer) {
        for (TopicPartition partition : List.copyOf(open.keySet())) {
            try {
                open.get(partition).sealIfDue();
            } catch (IOException | RuntimeException e) {
                LOG.error("archiver: cannot seal the open segment of {} ({}); retrying when it is reopened", partition, e.toString());
                fail(consumer, partition, null);
            }
        }
    }

    /** Checked once a second: one directory listing per application. */
    private void serveSealRequests(Consumer<byte[], byte[]> consumer) {
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
                } catch (IOException | RuntimeException e) {
                    // RuntimeException too (a directory listing throws UncheckedIOException): escaping to the
                    // poll loop would rewind the batch over a seek-back that fail() just made.
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
    private int sealAssignedPartitions(Consumer<byte[], byte[]> consumer, String app) {
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
                fail(consumer, partition, null);
            }
        }
        if (assigned > 0) {
            LOG.info("archiver: sealed the open segments of {} on request", app);
        }
        return assigned;
    }

    @Override
    public void onStop(Consumer<byte[], byte[]> consumer) {
        stop(consumer);
    }

    /** Syncs and closes every partition, then commits what they hold (the stop may also have interrupted the last commit). */
    void stop(Consumer<byte[], byte[]> consumer) {
        closeAll(List.copyOf(open.keySet()));
        pending.commit(consumer);
    }

    /** Closing syncs: the revoked partitions' offsets are committed up to their last record, for the next owner. */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        closeAll(partitions);
        pending.commit(consumer);
    }

    /**
     * Another archiver may own these partitions already and be appending to the same open segment:
     * buffered lines are dropped, not written (their offsets were never committed, so the new owner
     * archives those records itself).
     */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            unsynced.forget(partition);
            PartitionArchive archive = open.remove(partition);
            if (archive != null) {
                archive.abandon();
                LOG.warn("archiver: lost {} to another member; its unsynced lines are left to the new owner", partition);
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // Partitions are opened (and their segments recovered) on their first record.
    }

    /** Writes the partition's records of {@code records}; they wait for the next sync (even if all were skipped, for their commit). */
    private void archive(Consumer<byte[], byte[]> consumer, TopicPartition partition, ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
        try {
            PartitionArchive archive = open.get(partition);
            if (archive == null) {
                archive = openPartition(partition);
                open.put(partition, archive);
            }
            long bytesBefore = archive.appendedBytes();
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                archive.append(record);
            }
            unsynced.written(partition, records, archive.appendedBytes() - bytesBefore, monotonicMs.getAsLong());
        } catch (IOException e) {
            // Disk full, permissions, a vanished mount: repeated every second until fixed, so no stack trace.
            LOG.error("archiver: cannot archive {} offsets {}..{} ({}); reading them again in 1 s",
                    partition, batch.get(0).offset(), batch.get(batch.size() - 1).offset(), e.toString());
            fail(consumer, partition, records);
        } catch (RuntimeException e) {
            LOG.error("archiver: bug while archiving {} offsets {}..{}; reading them again in 1 s",
                    partition, batch.get(0).offset(), batch.get(batch.size() - 1).offset(), e);
            fail(consumer, partition, records);
        }
    }

    /**
     * Abandons the partition's writer and, after a pause, reads again from its first batch not yet
     * synced (else from {@code failedBatch}, when given): lines written since the last sync may not
     * have reached the disk, and their offsets were not committed.
     */
    private void fail(Consumer<byte[], byte[]> consumer, TopicPartition partition, ConsumerRecords<?, ?> failedBatch) {
        ConsumerRecords<?, ?> firstUnsynced = unsynced.forget(partition);
        PartitionArchive archive = open.remove(partition);
        if (archive != null) {
            archive.abandon();
        }
        ConsumerRecords<?, ?> readAgain = firstUnsynced != null ? firstUnsynced : failedBatch;
        if (readAgain != null) {
            retry.retryLater(consumer, readAgain, List.of(partition));
        }
    }

    private PartitionArchive openPartition(TopicPartition partition) throws IOException {
        ArchiveTarget target = targets.get(partition.topic());
        PartitionArchive archive = PartitionArchive.open(settings.archiveDir(), target, partition.partition(),
                settings.segmentLimits(), System::currentTimeMillis);
        LOG.info("archiver: {} opened in {}, archived up to offset {}", partition, target.directory(settings.archiveDir()), archive.lastOffset());
        return archive;
    }

    /** Syncs and closes the partitions; the offsets of those that closed cleanly become committable. */
    private void closeAll(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            PartitionArchive archive = open.remove(partition);
            if (archive == null) {
                continue;
            }
            try {
                archive.close();
                unsynced.synced(partition, pending);
                LOG.info("archiver: {} closed after archiving {} records and skipping {} already archived",
                        partition, archive.archived(), archive.skipped());
            } catch (IOException | RuntimeException e) {
                // Uncommitted lines that did not reach the disk are read again by the next owner.
                unsynced.forget(partition);
                archive.abandon();
                LOG.error("archiver: cannot close {} cleanly: {}", partition, e.toString());
            }
        }
    }
}
