package dev.rendezvous.archiver.snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which scheduled snapshots a schedule keeps: the newest {@code last} of them, and every one whose
 * point in time is younger than {@code maxAge}. A snapshot is kept when any given rule keeps it
 * (expiry deletes evidence, so the rules only ever add protection); with no rule, all are kept.
 *
 * @param last   keep the newest this many; null for no such rule
 * @param maxAge keep those whose {@code untilMs} is at most this old; null for no such rule
 */
public record KeepRules(Integer last, Duration maxAge) {
    public static final KeepRules KEEP_ALL = new KeepRules(null, null);

    public KeepRules {
        if (last != null && last < 1) {
            throw new IllegalArgumentException("keep.last is " + last + "; expected at least 1 (leave it out to keep all)");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("keep.for is " + maxAge + "; expected a positive ISO-8601 duration such as P7D");
        }
    }

    /** One scheduled snapshot as the rules see it. */
    public record Candidate(String name, String id, long untilMs) {
    }

    /** The candidates no rule keeps as of {@code nowMs}, oldest first. */
    public List<Candidate> expired(List<Candidate> scheduled, long nowMs) {
        if (last == null && maxAge == null) {
            return List.of();
        }
        List<Candidate> newestFirst = new ArrayList<>(scheduled);
        newestFirst.sort(Comparator.comparingLong(Candidate::untilMs).reversed().thenComparing(Candidate::name));
        List<Candidate> expired = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            Candidate candidate = newestFirst.get(i);
            boolean keptByCount = last != null && i < last;
            boolean keptByAge = maxAge != null && candidate.untilMs() > nowMs - maxAge.toMillis();
            if (!keptByCount && !keptByAge) {
                expired.add(0, candidate);
            }
        }
        return expired;
    }
}
