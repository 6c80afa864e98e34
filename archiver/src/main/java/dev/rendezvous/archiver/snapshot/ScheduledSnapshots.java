package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archiver.segment.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of an application's snapshot schedule, as of the injected clock: create the current
 * slot's snapshot unless it exists, then expire the scheduled snapshots no keep rule keeps. A
 * snapshot a model's lineage names is never expired: the refusal is logged (once per snapshot and
 * process), returned, and written to {@code <app>/snapshots/schedule-report.json} (rewritten by each
 * step that creates, expires or refuses something new). Manual snapshots
 * (any without a {@code scheduled-} name) are never touched.
 */
public final class ScheduledSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledSnapshots.class);
    static final String REPORT_FILE = "schedule-report.json";

    private final SnapshotStore store;
    private final SnapshotExpiry expiry;
    private final LongSupplier clockMs;
    private final Duration sealTimeout;
    /**
     * Refusals of this run by snapshot id. A refusal is permanent (registry history is append-only and
     * a role change keeps the lineage), so the archived registry is read once per snapshot, not per step.
     */
    private final Map<String, Refusal> refusedById = new HashMap<>();
    private final Map<String, List<Refusal>> lastReportedRefusals = new HashMap<>();

    public ScheduledSnapshots(Path archiveDir, LongSupplier clockMs, Duration sealTimeout) {
        this.store = new SnapshotStore(archiveDir, clockMs);
        this.expiry = new SnapshotExpiry(archiveDir);
        this.clockMs = clockMs;
        this.sealTimeout = sealTimeout;
    }

    /** An expiry the schedule wanted and the lineage refused. */
    public record Refusal(String name, String id, List<String> models) {
    }

    /**
     * What one step did.
     *
     * @param created the name of the snapshot created by this step; null when the slot had one already
     * @param expired the snapshots expired by this step
     * @param refused the expired snapshots kept because a model's lineage names them
     */
    public record StepReport(String app, long atMs, String created, String createdId, List<ExpiryReport> expired, List<Refusal> refused) {
        public StepReport {
            expired = List.copyOf(expired);
            refused = List.copyOf(refused);
        }
    }

    /** Runs one step for {@code app}; blocking (it may wait up to the seal timeout for the archiver). */
    public StepReport step(String app, SnapshotSchedule schedule) throws IOException, InterruptedException {
        long now = clockMs.getAsLong();
        long slot = schedule.slotAt(now);
        String name = SnapshotSchedule.nameOf(slot);
        String created = null;
        String createdId = null;
        if (!store.names(app).containsKey(name)) {
            SnapshotStore.Created snapshot = store.create(app, slot, "scheduled " + Instant.ofEpochMilli(slot), sealTimeout, name);
            created = name;
            createdId = snapshot.id();
            LOG.info("scheduled snapshot {} of {}: {} ({} segments)", name, app, snapshot.id(), snapshot.snapshot().segments().size());
        }
        List<ExpiryReport> expired = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        for (KeepRules.Candidate candidate : schedule.keep().expired(scheduled(app), now)) {
            Refusal known = refusedById.get(candidate.id());
            if (known != null) {
                refused.add(known);
                continue;
            }
            try {
                expired.add(expiry.expire(app, candidate.id(), false));
                LOG.info("expired scheduled snapshot {} of {} ({})", candidate.name(), app, candidate.id());
            } catch (SnapshotInUseException e) {
                Refusal refusal = new Refusal(candidate.name(), candidate.id(), e.models());
                refusedById.put(candidate.id(), refusal);
                refused.add(refusal);
                LOG.warn("not expiring scheduled snapshot {} of {}: {}", candidate.name(), app, e.getMessage());
            } catch (NoSuchFileException e) {
                // Expired by hand since listed.
            }
        }
        StepReport report = new StepReport(app, now, created, createdId, expired, refused);
        // Written when the step did something or the refusals changed: not two fsyncs a second for nothing.
        if (created != null || !expired.isEmpty() || !refused.equals(lastReportedRefusals.get(app))) {
            DurableFiles.writeAtomically(store.snapshotsDir(app).resolve(REPORT_FILE),
                    (ManifestJson.pretty(report) + "\n").getBytes(StandardCharsets.UTF_8));
            lastReportedRefusals.put(app, List.copyOf(refused));
        }
        return report;
    }

    /** The app's scheduled snapshots with the point in time each shows. */
    private List<KeepRules.Candidate> scheduled(String app) throws IOException {
        List<KeepRules.Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, String> entry : store.names(app).entrySet()) {
            if (SnapshotSchedule.isScheduledName(entry.getKey())) {
                try {
                    candidates.add(new KeepRules.Candidate(entry.getKey(), entry.getValue(), store.show(app, entry.getValue()).untilMs()));
                } catch (NoSuchFileException e) {
                    // A name whose manifest is gone (expired by hand, name removal interrupted): nothing to keep or expire.
                }
            }
        }
        return candidates;
    }
}
