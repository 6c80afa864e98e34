package dev.rendezvous.archiver.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the applications' snapshot schedules on one thread of their own (a scheduled snapshot waits for
 * the archiver's poll thread to seal, so it must not run on that thread), one step per application
 * every {@code checkEvery}. A failed step is logged and tried again at the next check.
 */
public final class SnapshotScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);

    private final ScheduledExecutorService executor;

    private SnapshotScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts stepping {@code schedules} (app to schedule); the first step runs at once. */
    public static SnapshotScheduler start(Path archiveDir, Map<String, SnapshotSchedule> schedules, Duration checkEvery, Duration sealTimeout) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "archiver-snapshot-schedule");
            thread.setDaemon(true);
            return thread;
        });
        ScheduledSnapshots steps = new ScheduledSnapshots(archiveDir, System::currentTimeMillis, sealTimeout);
        Map<String, SnapshotSchedule> copy = Map.copyOf(schedules);
        // Only the executor's thread touches it. A failing step is retried every check; its log line is not repeated.
        Map<String, String> lastFailure = new HashMap<>();
        executor.scheduleWithFixedDelay(() -> copy.forEach((app, schedule) -> {
            try {
                steps.step(app, schedule);
                if (lastFailure.remove(app) != null) {
                    LOG.info("scheduled snapshot steps of {} work again", app);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (!e.toString().equals(lastFailure.put(app, e.toString()))) {
                    LOG.warn("scheduled snapshot step of {} failed, trying again every {}: {}", app, checkEvery, e.toString());
                }
            }
        }), 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("snapshot schedules: {}", copy);
        return new SnapshotScheduler(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the snapshot schedule thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
