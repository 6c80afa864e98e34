package dev.rendezvous.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The named shapes of a run: full (the documented numbers) and quick (a one-minute look). */
final class Presets {
    private Presets() {
    }

    /**
     * 5-8 minutes: 30 s measured per target at 1,000 req/s in 5 s segments, then capacity steps up to
     * 8,000 req/s (10 s per target per step, from 500) until the three-hop Kafka floor and both HTTP
     * targets fail.
     */
    static BenchOptions full(Path outDir, Path docFile) {
        return new BenchOptions(1_000, Duration.ofSeconds(5), 6, Duration.ofSeconds(10), 2_000, Duration.ofSeconds(5),
                List.of(500.0, 1_000.0, 2_000.0, 3_000.0, 4_000.0, 5_000.0, 6_000.0, 8_000.0), Duration.ofSeconds(5), 2, 100,
                Duration.ofSeconds(3), 200_000, outDir, docFile);
    }

    /** ~1 minute: enough to see the shape, not to quote. */
    static BenchOptions quick(Path outDir, Path docFile) {
        return new BenchOptions(300, Duration.ofSeconds(2), 2, Duration.ofSeconds(2), 2_000, Duration.ofSeconds(5),
                List.of(500.0, 1_000.0), Duration.ofSeconds(2), 1, 100, Duration.ofMillis(500), 5_000, outDir, docFile);
    }
}
