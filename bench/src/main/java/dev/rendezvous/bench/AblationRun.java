package dev.rendezvous.bench;

import dev.rendezvous.bench.ablation.AblationResult;
import dev.rendezvous.bench.ablation.AblationStep;
import dev.rendezvous.bench.load.InterleavedRun;
import dev.rendezvous.bench.load.LoadGenerator;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.load.LoadTarget;
import dev.rendezvous.bench.targets.HttpTarget;
import dev.rendezvous.bench.targets.KafkaFloor;
import dev.rendezvous.bench.targets.Payloads;
import dev.rendezvous.bench.targets.PlatformInstance;
import dev.rendezvous.kafka.KafkaSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ablation: per step, a fresh platform configured as the step says and, on its broker, a fresh
 * Kafka floor; warm-up, then the step's rendezvous path and three bare Kafka hops interleaved at the
 * run's rate; then both stopped before the next step starts.
 */
final class AblationRun {
    private static final Logger LOG = LoggerFactory.getLogger(AblationRun.class);
    static final String THREE_HOPS = "kafka-3-hops";

    private final BenchOptions options;
    private final PlatformLauncher launcher;
    private final Payloads payloads;

    AblationRun(BenchOptions options, PlatformLauncher launcher, Payloads payloads) {
        this.options = options;
        this.launcher = launcher;
        this.payloads = payloads;
    }

    List<AblationResult> run(List<AblationStep> steps) throws Exception {
        List<AblationResult> results = new ArrayList<>();
        // The client's own event loops, as in the comparison.
        Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            for (int i = 0; i < steps.size(); i++) {
                results.add(measure(i + 1, steps.get(i), client));
            }
            return results;
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private AblationResult measure(int number, AblationStep step, Vertx client) throws Exception {
        String name = "ablation-" + number;
        Map<String, String> settings = step.settings(launcher.modelsDir(name));
        LOG.info("ablation step {} '{}': starting the platform with {}", number, step.name(), settings);
        try (PlatformInstance platform = launcher.start(name, settings);
             KafkaFloor floor = KafkaFloor.start(KafkaSettings.local(platform.kafka().bootstrapServers(), ""), payloads, "bench-floor-" + number + ".");
             HttpTarget rendezvous = new HttpTarget(BenchRun.RENDEZVOUS, client, "127.0.0.1", platform.gatewayPort(), "/v1/score/fraud", payloads,
                     Math.min(options.maxOutstanding(), 512))) {
            List<LoadTarget> targets = List.of(floor.threeHops(), rendezvous);
            InterleavedRun interleaved = new InterleavedRun(new LoadGenerator(options.maxOutstanding(), options.drainTimeout(),
                    platform.processCpuNanos()));
            interleaved.warmUp(targets, options.rate(), options.warmUp());
            Map<String, LoadResult> measured = interleaved.run(targets, options.rate(), options.segment(), options.rounds());
            LoadResult path = measured.get(BenchRun.RENDEZVOUS);
            LOG.info("ablation step {} '{}': rendezvous p50 {} ms, p99 {} ms, {} CPU ms per request", number, step.name(),
                    path.percentileMillis(50), path.percentileMillis(99), path.cpuMillisPerRequest());
            return new AblationResult(step, platform.startMillis(), measured.get(THREE_HOPS), path);
        }
    }
}
