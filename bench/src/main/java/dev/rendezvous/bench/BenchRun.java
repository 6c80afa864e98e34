package dev.rendezvous.bench;

import dev.rendezvous.bench.load.CapacitySearch;
import dev.rendezvous.bench.load.InterleavedRun;
import dev.rendezvous.bench.load.LoadGenerator;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.load.LoadTarget;
import dev.rendezvous.bench.measure.ArchiveThroughput;
import dev.rendezvous.bench.measure.BatchingGain;
import dev.rendezvous.bench.measure.HopProfile;
import dev.rendezvous.bench.measure.MachineInfo;
import dev.rendezvous.bench.measure.ProcessMemory;
import dev.rendezvous.bench.measure.ReplayThroughput;
import dev.rendezvous.bench.report.BenchReport;
import dev.rendezvous.bench.targets.DirectPathServer;
import dev.rendezvous.bench.targets.HttpTarget;
import dev.rendezvous.bench.targets.KafkaFloor;
import dev.rendezvous.bench.targets.Payloads;
import dev.rendezvous.bench.targets.PlatformUnderTest;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.runner.manifest.ModelManifest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run in one process: starts the embedded broker, the platform, the direct-path server
 * and the Kafka floor on it, runs the interleaved comparison (with the hop profile), the capacity
 * search and the extras, stops everything and returns the report.
 */
public final class BenchRun {
    private static final Logger LOG = LoggerFactory.getLogger(BenchRun.class);
    static final String DIRECT = "direct";
    static final String RENDEZVOUS = "rendezvous";

    private final BenchOptions options;
    private final String command;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    public BenchRun(BenchOptions options, String command) {
        this.options = options;
        this.command = command;
    }

    public BenchReport run() throws Exception {
        Instant startedAt = Instant.now();
        long begin = System.nanoTime();
        MachineInfo machine = MachineInfo.current();
        Path work = Files.createTempDirectory("rdv-bench");
        try {
            EmbeddedKafkaBroker broker = own(EmbeddedKafkaBroker.start(work.resolve("kafka"), 0));
            DemoModels.ensure(work.resolve("models"));
            Path servedManifest = work.resolve("models").resolve("fraud-fm-1.yaml");
            ModelManifest served = ModelManifest.load(servedManifest);
            Payloads payloads = Payloads.demo(1_000);
            KafkaFloor floor = own(KafkaFloor.start(KafkaSettings.local(broker.bootstrapServers(), ""), payloads, "bench-floor."));
            DirectPathServer direct = own(DirectPathServer.start(served, 0, (long) options.deadlineMs()));

            long rssBefore = ProcessMemory.rssBytes();
            LOG.info("starting the platform");
            PlatformUnderTest platform = own(PlatformUnderTest.start(broker.bootstrapServers(), work));
            long rssAfter = ProcessMemory.rssBytes();
            LOG.info("platform started in {} ms", platform.startMillis());

            // The client's own event loops: sharing the servers' would let the generator and the server
            // steal each other's loop time and blur which side a stall came from.
            Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
            started.push(() -> client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
            int connections = Math.min(options.maxOutstanding(), 512);
            HttpTarget directTarget = own(new HttpTarget(DIRECT, client, "127.0.0.1", direct.port(), "/v1/score/fraud", payloads, connections));
            HttpTarget rendezvousTarget = own(new HttpTarget(RENDEZVOUS, client, "127.0.0.1", platform.gatewayPort(), "/v1/score/fraud",
                    payloads, connections));
            List<LoadTarget> all = Stream.of(floor.oneHop(), floor.threeHops(), directTarget, rendezvousTarget)
                    .filter(t -> options.measures(t.name())).toList();

            InterleavedRun interleaved = new InterleavedRun(new LoadGenerator(options.maxOutstanding(), options.drainTimeout()));
            Comparison comparison = compare(interleaved, all, rendezvousTarget, platform);
            CapacitySearch.Result capacity = null;
            if (!options.capacityRates().isEmpty()) {
                LOG.info("capacity search over {} req/s", options.capacityRates());
                capacity = new CapacitySearch(interleaved, options.deadlineMs(), options.drainTimeout())
                        .search(Stream.<LoadTarget>of(floor.threeHops(), directTarget, rendezvousTarget).filter(t -> options.measures(t.name())).toList(), options.capacityRates(), options.capacitySegment(), options.capacityRounds());
            }
            Map<Integer, Double> batching = options.batchingDuration().isZero() ? Map.of()
                    : BatchingGain.measure(served, List.of(1, 64), options.batchingDuration());
            Path archiveDir = work.resolve("archive-bench");
            ArchiveThroughput.Result archive = options.archiveRecords() <= 0 ? null
                    : ArchiveThroughput.measure(broker.bootstrapServers(), archiveDir, payloads, options.archiveRecords());
            ReplayThroughput.Result replay = null;
            if (archive != null) {
                LOG.info("replaying the {} archived records through {}", archive.records(), served.ref());
                replay = ReplayThroughput.measure(archive, archiveDir, servedManifest, work.resolve("replay-bench"));
            }
            return new BenchReport(startedAt, machine, MachineInfo.currentLoadAverage(), command, options.describe(), options.rate(),
                    new ArrayList<>(comparison.results().values()), comparison.threadCpu(), comparison.profile(), capacity, platform.startMillis(), rssBefore, rssAfter,
                    batching, archive, replay, payloads.averageRecordBytes(), (System.nanoTime() - begin) / 1e9);
        } finally {
            closeAll();
            deleteQuietly(work);
        }
    }

    /** The side-by-side results, the CPU by thread group while each target ran, and the rendezvous path's profile. */
    private record Comparison(Map<String, LoadResult> results, Map<String, Map<String, Double>> threadCpu, List<HopProfile.Component> profile) {
    }

    /** Warm-up, then the interleaved comparison at the comparison rate, reading the platform's records for the profile meanwhile. */
    private Comparison compare(InterleavedRun interleaved, List<LoadTarget> all, HttpTarget rendezvousTarget, PlatformUnderTest platform)
            throws InterruptedException {
        LOG.info("warm-up: {} ms per target at {} req/s", options.warmUp().toMillis(), options.rate());
        interleaved.warmUp(all, options.rate(), options.warmUp());
        LOG.info("comparison: {} rounds of {} ms per target at {} req/s", options.rounds(), options.segment().toMillis(), options.rate());
        HopProfile profile = HopProfile.start(platform.kafka(), DemoModels.APP, 3);
        rendezvousTarget.takeServerLatencyMillis();
        rendezvousTarget.onAnswer(profile::answered);
        Map<String, LoadResult> results = interleaved.run(all, options.rate(), options.segment(), options.rounds());
        rendezvousTarget.onAnswer(null);
        List<HopProfile.Component> components = new ArrayList<>(profile.stopAndSummarise());
        if (results.containsKey(RENDEZVOUS)) {
            components.add(HopProfile.component("gateway receipt → HTTP answer written (the answer's latencyMs)",
                    rendezvousTarget.takeServerLatencyMillis(), 1));
            components.add(HopProfile.component("client: intended send → whole answer read (the table's latency)",
                    results.get(RENDEZVOUS).latencyMicros(), 1000));
        }
        return new Comparison(results, coresByThreadGroup(interleaved.takeThreadCpu(), results), components);
    }

    /** Thread-group CPU as cores: nanoseconds over the wall time the target was measured, busiest first. */
    private static Map<String, Map<String, Double>> coresByThreadGroup(Map<String, Map<String, Long>> nanos, Map<String, LoadResult> results) {
        Map<String, Map<String, Double>> cores = new LinkedHashMap<>();
        nanos.forEach((target, groups) -> {
            long wall = results.get(target).cpuWallNanos();
            Map<String, Double> sorted = new LinkedHashMap<>();
            sorted.put(InterleavedRun.GC_GROUP, wall == 0 ? 0 : (double) groups.getOrDefault(InterleavedRun.GC_GROUP, 0L) / wall);
            groups.entrySet().stream().filter(e -> !e.getKey().equals(InterleavedRun.GC_GROUP)).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), wall == 0 ? 0 : (double) e.getValue() / wall));
            cores.put(target, sorted);
        });
        return cores;
    }

    private <T extends AutoCloseable> T own(T resource) {
        started.push(resource);
        return resource;
    }

    private void closeAll() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
