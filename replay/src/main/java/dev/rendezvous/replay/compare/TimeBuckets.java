package dev.rendezvous.replay.compare;

import dev.rendezvous.replay.scoring.Replayed;
import java.util.ArrayList;
import java.util.List;

/**
 * Equal-width buckets of request receipt time over a replay's inputs, counting agreement per bucket.
 * The width is the whole span divided by the bucket count, rounded up to a millisecond.
 */
final class TimeBuckets {
    private final long fromMs;
    private final long widthMs;
    private final long[] inputs;
    private final long[] compared;
    private final long[] agreed;

    private TimeBuckets(long fromMs, long widthMs, int count) {
        this.fromMs = fromMs;
        this.widthMs = widthMs;
        this.inputs = new long[count];
        this.compared = new long[count];
        this.agreed = new long[count];
    }

    static TimeBuckets covering(List<Replayed> replayed, int maxBuckets) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Replayed r : replayed) {
            if (r.receivedAtMs() > 0) {
                min = Math.min(min, r.receivedAtMs());
                max = Math.max(max, r.receivedAtMs());
            }
        }
        if (min > max) {
            return new TimeBuckets(0, 1, 0);
        }
        long span = max - min + 1;
        long width = Math.max(1, (span + maxBuckets - 1) / maxBuckets);
        return new TimeBuckets(min, width, (int) ((span + width - 1) / width));
    }

    /** Counts one input; {@code verdict} is null when it was not judged (an error or no baseline). */
    void add(long receivedAtMs, AgreementRule.Verdict verdict) {
        if (receivedAtMs <= 0 || inputs.length == 0) {
            return;
        }
        int bucket = (int) ((receivedAtMs - fromMs) / widthMs);
        inputs[bucket]++;
        if (verdict != null && verdict.compared()) {
            compared[bucket]++;
            if (verdict.agrees()) {
                agreed[bucket]++;
            }
        }
    }

    long widthMs() {
        return widthMs;
    }

    List<ComparisonResult.TimeBucket> result() {
        List<ComparisonResult.TimeBucket> buckets = new ArrayList<>(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            long from = fromMs + i * widthMs;
            buckets.add(new ComparisonResult.TimeBucket(from, from + widthMs, inputs[i], compared[i], agreed[i]));
        }
        return buckets;
    }
}
