package dev.rendezvous.bench.load;

import java.lang.management.ManagementFactory;

/** CPU time this whole process has used, for "cores busy" figures over an interval. */
public final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    /** CPU nanoseconds used by the process so far (all threads: broker, platform, load generator). */
    public static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    /** Cores busy on average between two samples: 1.0 is one core fully used. */
    public static double coresBetween(long cpuNanosBefore, long cpuNanosAfter, long wallNanos) {
        return wallNanos <= 0 ? 0 : (double) (cpuNanosAfter - cpuNanosBefore) / wallNanos;
    }
}
