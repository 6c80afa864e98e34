package dev.rendezvous.bench.load;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs several targets at one rate in alternating short segments (A B C, B C A, …), so that drift of a
 * shared machine — other processes, GC, page cache, the broker's log — hits every target alike, and
 * adds each target's segments up.
 */
public final class InterleavedRun {
    /** The pseudo thread group under which {@link #takeThreadCpu()} reports garbage-collection time. */
    public static final String GC_GROUP = "(garbage collection, wall time)";

    private final LoadGenerator generator;
    private final Map<String, AtomicLong> sequences = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> threadCpuByTarget = new LinkedHashMap<>();

    public InterleavedRun(LoadGenerator generator) {
        this.generator = generator;
    }

    /** Sends {@code warmUp} of load to each target in turn and forgets the results: JIT, pools and caches settle first. */
    public void warmUp(List<LoadTarget> targets, double rate, Duration warmUp) {
        if (warmUp.isZero() || warmUp.isNegative()) {
            return;
        }
        for (LoadTarget target : targets) {
            generator.run(target, rate, warmUp, nextSequences(target, rate, warmUp));
        }
    }

    /** {@code rounds} rounds of one {@code segment} per target, the order rotating by round; the results in the given order. */
    public Map<String, LoadResult> run(List<LoadTarget> targets, double rate, Duration segment, int rounds) {
        Map<String, LoadResult> results = new LinkedHashMap<>();
        targets.forEach(t -> results.put(t.name(), null));
        for (int round = 0; round < rounds; round++) {
            // Each round starts one target later (A B C, B C A, C A B …): no target always follows the
            // same one, so a backlog one leaves behind (a runner or archiver catching up) is shared out.
            for (int k = 0; k < targets.size(); k++) {
                LoadTarget target = targets.get((round + k) % targets.size());
                Map<Long, Long> before = ThreadCpu.snapshot();
                long gcBefore = ThreadCpu.gcMillis();
                LoadResult result = generator.run(target, rate, segment, nextSequences(target, rate, segment));
                Map<String, Long> used = ThreadCpu.byGroup(before, ThreadCpu.snapshot());
                // Not a thread: GC time, as nanoseconds, so that a stall can be told apart from starvation.
                used.put(GC_GROUP, (ThreadCpu.gcMillis() - gcBefore) * 1_000_000);
                used.forEach((group, nanos) -> threadCpuByTarget.computeIfAbsent(target.name(), n -> new LinkedHashMap<>())
                        .merge(group, nanos, Long::sum));
                results.compute(target.name(), (name, sum) -> sum == null ? result : sum.plus(result));
            }
        }
        return results;
    }

    /**
     * CPU nanoseconds by thread group used during each target's measured segments since the last call,
     * then forgets them: where the process's time went while that target was under load.
     */
    public Map<String, Map<String, Long>> takeThreadCpu() {
        Map<String, Map<String, Long>> taken = new LinkedHashMap<>(threadCpuByTarget);
        threadCpuByTarget.clear();
        return taken;
    }

    /** Reserves request numbers for one segment, so that no two segments of a target reuse one (Kafka keys, request ids). */
    private long nextSequences(LoadTarget target, double rate, Duration duration) {
        long count = ArrivalSchedule.atRate(rate, 0).countWithin(duration.toNanos()) + 1;
        return sequences.computeIfAbsent(target.name(), n -> new AtomicLong()).getAndAdd(count);
    }
}
