package dev.rendezvous.replay.report;

import dev.rendezvous.replay.compare.ComparisonResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The report's three plots as inline SVG, drawn in Java so the page needs no script, font or file
 * from anywhere: the score-delta histogram, served (baseline) against replayed scores, and agreement
 * over time. Each is a {@code <svg class="plot">} with axes, labelled extremes and its marks.
 */
final class SvgPlots {
    static final int MAX_SCATTER_POINTS = 2_000;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 300;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private SvgPlots() {
    }

    static String histogram(List<DeltaStats.Bin> bins) {
        StringBuilder svg = open("Histogram of score deltas (replayed - baseline)");
        if (bins.isEmpty()) {
            return empty(svg, "no pairs with two scores");
        }
        long max = bins.stream().mapToLong(DeltaStats.Bin::count).max().orElse(1);
        double barWidth = plotWidth() / (double) bins.size();
        for (int i = 0; i < bins.size(); i++) {
            DeltaStats.Bin bin = bins.get(i);
            // Square root scale: one big zero bin would otherwise flatten every other bar to nothing.
            double h = Math.sqrt(bin.count() / (double) max) * plotHeight();
            svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>[%s, %s): %d</title></rect>",
                    LEFT + i * barWidth, TOP + plotHeight() - h, Math.max(0.5, barWidth - 1), Math.max(h, bin.count() > 0 ? 1 : 0),
                    number(bin.from()), number(bin.to()), bin.count()));
        }
        axes(svg, number(bins.get(0).from()), number(bins.get(bins.size() - 1).to()), "0", Long.toString(max), "score delta", "inputs (sqrt scale)");
        return close(svg);
    }

    static String scatter(double[] baseline, double[] replayed) {
        StringBuilder svg = open("Baseline score (x) against replayed score (y)");
        if (baseline.length == 0) {
            return empty(svg, "no pairs with two scores");
        }
        double min = 0;
        double max = 1;
        for (int i = 0; i < baseline.length; i++) {
            min = Math.min(min, Math.min(baseline[i], replayed[i]));
            max = Math.max(max, Math.max(baseline[i], replayed[i]));
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"diagonal\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                LEFT, TOP + plotHeight(), LEFT + plotWidth(), TOP));
        // Every k-th pair, in input order: a deterministic sample that keeps the page small.
        int stride = (baseline.length + MAX_SCATTER_POINTS - 1) / MAX_SCATTER_POINTS;
        for (int i = 0; i < baseline.length; i += stride) {
            svg.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\"/>",
                    LEFT + scale(baseline[i], min, max) * plotWidth(), TOP + (1 - scale(replayed[i], min, max)) * plotHeight()));
        }
        axes(svg, number(min), number(max), number(min), number(max), "baseline score" + (stride > 1 ? " (every " + stride + "th pair)" : ""),
                "replayed score");
        return close(svg);
    }

    static String agreementOverTime(List<ComparisonResult.TimeBucket> buckets) {
        StringBuilder svg = open("Agreement rate over request time");
        List<ComparisonResult.TimeBucket> judged = buckets.stream().filter(b -> b.compared() > 0).toList();
        if (judged.isEmpty()) {
            return empty(svg, "no compared inputs");
        }
        long from = buckets.get(0).fromMs();
        long to = buckets.get(buckets.size() - 1).toMs();
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (ComparisonResult.TimeBucket bucket : judged) {
            double x = LEFT + scale((bucket.fromMs() + bucket.toMs()) / 2.0, from, to) * plotWidth();
            double y = TOP + (1 - bucket.agreementRate()) * plotHeight();
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            dots.append(String.format(Locale.ROOT, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>%s: %d/%d agree</title></circle>",
                    x, y, Instant.ofEpochMilli(bucket.fromMs()), bucket.agreed(), bucket.compared()));
        }
        svg.append("<polyline class=\"line\" points=\"").append(points.toString().trim()).append("\"/>").append(dots);
        axes(svg, Instant.ofEpochMilli(from).toString(), Instant.ofEpochMilli(to).toString(), "0", "1", "request received at (UTC)",
                "agreement rate");
        return close(svg);
    }

    private static StringBuilder open(String title) {
        return new StringBuilder(8_192).append(String.format(Locale.ROOT,
                "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>",
                WIDTH, HEIGHT, WIDTH, HEIGHT, HtmlReport.escape(title)));
    }

    private static String empty(StringBuilder svg, String why) {
        axes(svg, "", "", "", "", why, "");
        return close(svg);
    }

    private static void axes(StringBuilder svg, String xMin, String xMax, String yMin, String yMax, String xTitle, String yTitle) {
        int bottom = TOP + plotHeight();
        svg.append(String.format(Locale.ROOT, "<path class=\"axis\" d=\"M%d %d V%d H%d\"/>", LEFT, TOP, bottom, LEFT + plotWidth()));
        svg.append(text(LEFT, bottom + 15, "start", xMin)).append(text(LEFT + plotWidth(), bottom + 15, "end", xMax))
                .append(text(LEFT + plotWidth() / 2, bottom + 32, "middle", xTitle))
                .append(text(LEFT - 5, bottom, "end", yMin)).append(text(LEFT - 5, TOP + 10, "end", yMax))
                .append(String.format(Locale.ROOT, "<text class=\"label\" transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>",
                        TOP + plotHeight() / 2, HtmlReport.escape(yTitle)));
    }

    private static String text(int x, int y, String anchor, String content) {
        return String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>", x, y, anchor, HtmlReport.escape(content));
    }

    private static String close(StringBuilder svg) {
        return svg.append("</svg>").toString();
    }

    private static double scale(double value, double min, double max) {
        return max > min ? (value - min) / (max - min) : 0.5;
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
