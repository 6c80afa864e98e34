package dev.rendezvous.replay;

import java.util.Locale;

/**
 * Hand-run measurement, not a test (tests make no timing assertions): replays the 100,000-record
 * {@link FraudArchive} snapshot with fraud-fm@1 against served several times and prints records/s.
 * Usage: {@code ReplayThroughputMeasurement [runs] [threads]}.
 */
public final class ReplayThroughputMeasurement {
    private ReplayThroughputMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        FraudArchive archive = FraudArchive.get();
        for (int run = 1; run <= runs; run++) {
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            ReplayRunner.Result result = ReplayRunner.run(ReplaySettings.of(archive.archiveDir, archive.snapshotId, archive.fmManifest,
                    archive.archiveDir.resolveSibling("measure-report")).withThreads(threads), null);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            long records = result.comparison().counts().inputs();
            // CPU time too: on a shared machine the wall-clock rate says more about the neighbours than about replay.
            System.out.println(String.format(Locale.ROOT, "run %d: %d records in %.3f s = %.0f records/s (%d threads; whole replay: read, "
                    + "verify, score, compare, write reports); CPU %.3f s = %.0f records per CPU-second", run, records, seconds, records / seconds,
                    threads, cpuSeconds, records / cpuSeconds));
        }
        System.exit(0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
