package dev.rendezvous.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** CPU time this whole process, or another process of this machine, has used, for "cores busy" figures over an interval. */
public final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    /** CPU nanoseconds used by the process so far (all threads: broker, platform, load generator). */
    public static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * CPU nanoseconds (user + system, all threads) another process has used so far, as the JDK reads it
     * (on Linux from {@code /proc/<pid>/stat}, in clock ticks of 10 ms: read it over seconds, not per request).
     *
     * @throws IllegalStateException when the process is gone or its CPU time cannot be read
     */
    public static long cpuNanosOf(long pid) {
        return ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration()).map(java.time.Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("cannot read the CPU time of process " + pid + " (gone?)"));
    }

    /** Cores busy on average between two samples: 1.0 is one core fully used. */
    public static double coresBetween(long cpuNanosBefore, long cpuNanosAfter, long wallNanos) {
        return wallNanos <= 0 ? 0 : (double) (cpuNanosAfter - cpuNanosBefore) / wallNanos;
    }
}
