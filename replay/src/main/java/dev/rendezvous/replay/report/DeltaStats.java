package dev.rendezvous.replay.report;

import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;

/**
 * The distribution of score deltas: exact quantiles (nearest rank over the sorted deltas, no
 * sketch, so they are reproducible to the bit) and an equal-width histogram between min and max.
 */
record DeltaStats(int pairs, double mean, double meanAbs, double[] sorted, double[] sortedAbs, List<Bin> histogram, double binWidth) {
    static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};
    static final int BINS = 40;

    /** One histogram bin, [{@code from}, {@code to}); the last bin includes the maximum. */
    record Bin(double from, double to, long count) {
    }

    static DeltaStats of(double[] deltas) {
        double[] sorted = deltas.clone();
        Arrays.sort(sorted);
        double[] abs = new double[deltas.length];
        double sum = 0;
        double sumAbs = 0;
        // Summed in input order, not thread order: the mean is the same bits on every run.
        for (int i = 0; i < deltas.length; i++) {
            sum += deltas[i];
            abs[i] = Math.abs(deltas[i]);
            sumAbs += abs[i];
        }
        Arrays.sort(abs);
        int n = deltas.length;
        double width = 0;
        List<Bin> bins = new ArrayList<>();
        if (n > 0) {
            double min = sorted[0];
            double max = sorted[n - 1];
            int count = max > min ? BINS : 1;
            width = max > min ? (max - min) / BINS : 0;
            long[] counts = new long[count];
            for (double d : sorted) {
                counts[count == 1 ? 0 : Math.min(count - 1, (int) ((d - min) / width))]++;
            }
            for (int i = 0; i < count; i++) {
                bins.add(new Bin(min + i * width, i == count - 1 ? max : min + (i + 1) * width, counts[i]));
            }
        }
        return new DeltaStats(n, n == 0 ? 0 : sum / n, n == 0 ? 0 : sumAbs / n, sorted, abs, List.copyOf(bins), width);
    }

    /** The nearest-rank quantile q of {@code values} (sorted): the smallest value with at least q of all at or below it. */
    static double quantile(double[] values, double q) {
        int rank = (int) Math.ceil(q * values.length);
        return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
    }
}
