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
     * CPU nanoseconds (user + system, all threads) another process has used so far, from
     * {@code /proc/<pid>/stat}; in clock ticks of 10 ms, so read it over seconds, not per request.
     *
     * @throws IllegalStateException when the process is gone or /proc cannot be read
     */
    public static long cpuNanosOf(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e.getMessage(), e);
        }
        return parseStatCpuNanos(stat, ClockTicks.PER_SECOND);
    }

    /**
     * utime + stime of one {@code /proc/<pid>/stat} line as nanoseconds. The fields are counted after
     * the command name's closing parenthesis: the name itself may hold spaces and parentheses.
     */
    static long parseStatCpuNanos(String stat, long ticksPerSecond) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        // After ")": state(3) ppid(4) ... utime(14) stime(15); index 0 here is field 3.
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
        return ticks * TimeUnit.SECONDS.toNanos(1) / ticksPerSecond;
    }

    /** USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux seen, asked once (and only when needed) anyway. */
    private static final class ClockTicks {
        static final long PER_SECOND = clockTicksPerSecond();
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0 && out.matches("[0-9]+")) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // no getconf: Linux's USER_HZ below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** Cores busy on average between two samples: 1.0 is one core fully used. */
    public static double coresBetween(long cpuNanosBefore, long cpuNanosAfter, long wallNanos) {
        return wallNanos <= 0 ? 0 : (double) (cpuNanosAfter - cpuNanosBefore) / wallNanos;
    }
}
