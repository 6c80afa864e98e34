package dev.rendezvous.analytics;

import com.tdunning.math.stats.MergingDigest;
import dev.rendezvous.protocol.ModelAnalytics.Quantiles;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * t-digest helpers: a new digest, its bytes for the state store, quantiles for the analytics record,
 * and the drift statistic between two digests.
 */
final class Digests {
    /** t-digest's usual compression: about 1 % error in the tails, a few KB per digest. */
    static final double COMPRESSION = 100;
    /** Floor of a bin's share in the PSI, so that an empty bin counts as rare rather than infinitely surprising. */
    static final double PSI_FLOOR = 1e-4;
    private static final int PSI_BINS = 10;

    private Digests() {
    }

    static MergingDigest create() {
        return new MergingDigest(COMPRESSION);
    }

    static byte[] toBytes(MergingDigest digest) {
        ByteBuffer buffer = ByteBuffer.allocate(digest.byteSize());
        digest.asBytes(buffer);
        return buffer.array();
    }

    static MergingDigest fromBytes(byte[] bytes) {
        return bytes == null || bytes.length == 0 ? create() : MergingDigest.fromBytes(ByteBuffer.wrap(bytes));
    }

    static Quantiles quantiles(MergingDigest digest) {
        if (digest.size() == 0) {
            return new Quantiles(0, null, null, null, null);
        }
        return new Quantiles(digest.size(), digest.quantile(0.5), digest.quantile(0.9), digest.quantile(0.99), digest.getMax());
    }

    /**
     * Population stability index of {@code actual} against {@code expected}: the expected distribution's
     * deciles cut the line into ten bins, and PSI = Σ (a − e) · ln(a / e) over the bins' shares a and e
     * (each floored at {@link #PSI_FLOOR}). 0 for equal distributions; by the usual reading under 0.1 is
     * stable, 0.1-0.25 a moderate shift, over 0.25 a significant one. NaN when either is empty.
     */
    static double psi(MergingDigest expected, MergingDigest actual) {
        if (expected.size() == 0 || actual.size() == 0) {
            return Double.NaN;
        }
        double psi = 0;
        double previousExpected = 0;
        double previousActual = 0;
        double previousEdge = Double.NEGATIVE_INFINITY;
        for (int bin = 1; bin <= PSI_BINS; bin++) {
            double edge = bin == PSI_BINS ? Double.POSITIVE_INFINITY : expected.quantile(bin / (double) PSI_BINS);
            if (edge <= previousEdge) {
                continue; // a point mass spans several deciles: one bin for it
            }
            double e = bin == PSI_BINS ? 1 : cdf(expected, edge);
            double a = bin == PSI_BINS ? 1 : cdf(actual, edge);
            double eShare = Math.max(PSI_FLOOR, e - previousExpected);
            double aShare = Math.max(PSI_FLOOR, a - previousActual);
            psi += (aShare - eShare) * Math.log(aShare / eShare);
            previousExpected = e;
            previousActual = a;
            previousEdge = edge;
        }
        return psi;
    }

    /**
     * PSI of the label counts {@code actual} against {@code expected}, one bin per label either side
     * has: Σ (a − e) · ln(a / e) over the labels' shares (each floored at {@link #PSI_FLOOR}, so a
     * label only one side predicts counts as rare there). NaN when either side has no label.
     */
    static double psi(Map<String, Long> expected, Map<String, Long> actual) {
        long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
        long actualTotal = actual.values().stream().mapToLong(Long::longValue).sum();
        if (expectedTotal == 0 || actualTotal == 0) {
            return Double.NaN;
        }
        Set<String> labels = new TreeSet<>(expected.keySet());
        labels.addAll(actual.keySet());
        double psi = 0;
        for (String label : labels) {
            double e = Math.max(PSI_FLOOR, expected.getOrDefault(label, 0L) / (double) expectedTotal);
            double a = Math.max(PSI_FLOOR, actual.getOrDefault(label, 0L) / (double) actualTotal);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** Share of values at or below {@code x}; t-digest's cdf counts half of a point mass at x, which would split a tie across bins. */
    private static double cdf(MergingDigest digest, double x) {
        if (x >= digest.getMax()) {
            return 1;
        }
        if (x < digest.getMin()) {
            return 0;
        }
        return digest.cdf(x);
    }
}
