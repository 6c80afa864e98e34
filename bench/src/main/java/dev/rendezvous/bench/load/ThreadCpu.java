package dev.rendezvous.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time per group of threads (a pool's threads share a group: {@code vert.x-eventloop-thread-3} and
 * {@code -4} count together), to see which part of the one benchmark process burns the cores.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Pattern POOL_SUFFIX = Pattern.compile("(-\\d+)+$");

    private ThreadCpu() {
    }

    /** CPU nanoseconds so far of every live thread, by thread id. */
    public static Map<Long, Long> snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /** CPU nanoseconds used between two snapshots, by thread group; threads that ended in between are missed. */
    public static Map<String, Long> byGroup(Map<Long, Long> before, Map<Long, Long> after) {
        Map<String, Long> groups = new HashMap<>();
        for (Map.Entry<Long, Long> entry : after.entrySet()) {
            ThreadInfo info = THREADS.getThreadInfo(entry.getKey());
            if (info == null) {
                continue;
            }
            long used = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            if (used > 0) {
                groups.merge(group(info.getThreadName()), used, Long::sum);
            }
        }
        return groups;
    }

    /** Milliseconds all garbage collectors of this JVM have spent collecting so far (pauses and concurrent work). */
    public static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    static String group(String threadName) {
        return POOL_SUFFIX.matcher(threadName).replaceFirst("");
    }
}
