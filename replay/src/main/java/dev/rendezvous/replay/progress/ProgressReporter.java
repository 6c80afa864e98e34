package dev.rendezvous.replay.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far a long run is: on a terminal, one progress bar redrawn in place with rate and ETA; in a
 * log or pipe (no console), a plain line every few seconds, so that log files stay readable.
 */
public final class ProgressReporter {
    private static final long TERMINAL_REDRAW_NANOS = 200_000_000L;
    private static final long PLAIN_LINE_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final String what;
    private final long total;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long done;
    private long lastShownNanos;
    private boolean finished;

    public ProgressReporter(PrintStream out, boolean terminal, String what, long total, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
        this.total = total;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastShownNanos = startNanos;
    }

    /** Progress on {@code out}, as a bar when this process has a console (an interactive terminal). */
    public static ProgressReporter onConsole(PrintStream out, String what, long total) {
        return new ProgressReporter(out, System.console() != null, what, total, System::nanoTime);
    }

    /** Reports nothing: for library callers and tests that do not want output. */
    public static ProgressReporter silent(long total) {
        return new ProgressReporter(null, false, "", total, System::nanoTime);
    }

    /** Counts {@code count} more items done; called from any thread. */
    public synchronized void advance(long count) {
        done += count;
        long now = nanoClock.getAsLong();
        if (out != null && now - lastShownNanos >= (terminal ? TERMINAL_REDRAW_NANOS : PLAIN_LINE_NANOS)) {
            lastShownNanos = now;
            show(now);
        }
    }

    /** Shows the final state once (a terminal bar then moves to a new line). */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (out != null) {
            show(nanoClock.getAsLong());
            if (terminal) {
                out.println();
            }
            out.flush();
        }
    }

    private void show(long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        String eta = done >= total ? "done" : rate > 0 ? "ETA " + duration((total - done) / rate) : "ETA ?";
        double fraction = total == 0 ? 1 : Math.min(1, done / (double) total);
        if (terminal) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %,d/%,d %,.0f rec/s %s   ", what, "#".repeat(filled),
                    "-".repeat(BAR_WIDTH - filled), Math.round(fraction * 100), done, total, rate, eta));
            out.flush();
        } else {
            out.println(String.format(Locale.ROOT, "%s: %d/%d (%d%%), %.0f records/s, %s", what, done, total,
                    Math.round(fraction * 100), rate, eta));
        }
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    public synchronized long done() {
        return done;
    }
}
