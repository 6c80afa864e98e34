package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.replay.progress.ProgressReporter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress as a bar redrawn in place on a terminal, as plain lines elsewhere; rate and ETA from a fake clock. */
class ProgressReporterTest {

    @Test
    void drawsABarWithRateAndEtaOnATerminal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicLong nanos = new AtomicLong();
        ProgressReporter progress = new ProgressReporter(new PrintStream(out, true, StandardCharsets.UTF_8), true, "replay", 1000, nanos::get);

        nanos.set(1_000_000_000L);
        progress.advance(250);
        progress.finish();

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rreplay [########----------------------]  25% 250/1,000 250 rec/s ETA 0:03");
        assertThat(text).endsWith(System.lineSeparator());
    }

    @Test
    void printsPlainLinesEveryFewSecondsWithoutATerminal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicLong nanos = new AtomicLong();
        ProgressReporter progress = new ProgressReporter(new PrintStream(out, true, StandardCharsets.UTF_8), false, "replay", 1000, nanos::get);

        nanos.set(1_000_000_000L);
        progress.advance(100);
        nanos.set(6_000_000_000L);
        progress.advance(400);
        nanos.set(10_000_000_000L);
        progress.advance(500);
        progress.finish();

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "replay: 500/1000 (50%), 83 records/s, ETA 0:06",
                "replay: 1000/1000 (100%), 100 records/s, done");
    }
}
