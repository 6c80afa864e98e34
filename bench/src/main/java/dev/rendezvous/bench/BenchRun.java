package dev.rendezvous.bench;

import dev.rendezvous.bench.BenchOptions.PlatformMode;
import dev.rendezvous.bench.ablation.AblationResult;
import dev.rendezvous.bench.ablation.AblationSteps;
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
import dev.rendezvous.bench.targets.PlatformInstance;
import dev.rendezvous.bench.targets.PlatformProcess;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.model.api.manifest.ModelManifest;
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
 * One benchmark run: starts the embedded broker, the platform, the direct-path server and the Kafka
 * floor on it — all in this JVM, or the platform with its broker in a process of its own — runs the
 * interleaved comparison (with the hop profile), the capacity search and the extras, or the ablation
 * instead, stops everything and returns the report.
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
            boolean inJvm = options.platform() == PlatformMode.IN_JVM;
            EmbeddedKafkaBroker broker = inJvm ? own(EmbeddedKafkaBroker.start(work.resolve("kafka"), 0)) : null;
            Path modelsDir = work.resolve("models");
            copyTrainedDemoModels(modelsDir);
            Path servedManifest = modelsDir.resolve("fraud-fm-1.yaml");
            ModelManifest served = ModelManifest.load(servedManifest);
            Payloads payloads = Payloads.demo(1_000);
            PlatformLauncher launcher = new PlatformLauncher(options, work, modelsDir, broker);
            if (options.ablation()) {
                List<AblationResult> steps = new AblationRun(options, launcher, payloads).run(AblationSteps.demo(modelsDir));
                return new BenchReport(startedAt, machine, MachineInfo.currentLoadAverage(), command, options.describe(), options.platform().flag(),
                        options.rate(), List.of(), Map.of(), List.of(), null, -1, -1, -1, Map.of(), null, null, payloads.averageRecordBytes(),
                        (System.nanoTime() - begin) / 1e9, steps);
            }
            KafkaFloor floor = null;
            DirectPathServer direct = null;
            if (inJvm) {
                // As before the process mode existed: the RSS figures below are the platform's alone.
                floor = own(KafkaFloor.start(KafkaSettings.local(broker.bootstrapServers(), ""), payloads, "bench-floor."));
                direct = own(DirectPathServer.start(served, 0, (long) options.deadlineMs()));
            }
            long rssBefore = inJvm ? ProcessMemory.rssBytes() : -1;
            LOG.info("starting the platform ({})", options.platform().flag());
            PlatformInstance platform = own(launcher.start("platform", Map.of()));
            long rssAfter = platform instanceof PlatformProcess child ? child.rssBytes() : ProcessMemory.rssBytes();
            LOG.info("platform started in {} ms", platform.startMillis());
            String bootstrap = platform.kafka().bootstrapServers();
            if (!inJvm) {
                // The floor's clients talk to the platform's own broker, the one its services use.
                floor = own(KafkaFloor.start(KafkaSettings.local(bootstrap, ""), payloads, "bench-floor."));
                direct = own(DirectPathServer.start(served, 0, (long) options.deadlineMs()));
            }

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

            InterleavedRun interleaved = new InterleavedRun(new LoadGenerator(options.maxOutstanding(), options.drainTimeout(),
                    platform.processCpuNanos()));
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
                    : ArchiveThroughput.measure(bootstrap, archiveDir, payloads, options.archiveRecords());
            ReplayThroughput.Result replay = null;
            if (archive != null) {
                LOG.info("replaying the {} archived records through {}", archive.records(), served.ref());
                replay = ReplayThroughput.measure(archive, archiveDir, servedManifest, work.resolve("replay-bench"));
            }
            return new BenchReport(startedAt, machine, MachineInfo.currentLoadAverage(), command, options.describe(), options.platform().flag(),
                    options.rate(), new ArrayList<>(comparison.results().values()), comparison.threadCpu(), comparison.profile(), capacity,
                    platform.startMillis(), rssBefore, rssAfter, batching, archive, replay, payloads.averageRecordBytes(),
                    (System.nanoTime() - begin) / 1e9, List.of());
        } finally {
            closeAll();
            deleteQuietly(work);
        }
    }

    /** The side-by-side results, the CPU by thread group while each target ran, and the rendezvous path's profile. */
    private record Comparison(Map<String, LoadResult> results, Map<String, Map<String, Double>> threadCpu, List<HopProfile.Component> profile) {
    }

    /** Warm-up, then the interleaved comparison at the comparison rate, reading the platform's records for the profile meanwhile. */
    private Comparison compare(InterleavedRun interleaved, List<LoadTarget> all, HttpTarget rendezvousTarget, PlatformInstance platform)
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

    /** The demo models, trained once per JVM (~10 s on 2 cores): the smoke tests run several benches in one JVM. */
    private static Path trainedDemoModels;

    private static synchronized void copyTrainedDemoModels(Path modelsDir) throws IOException {
        if (trainedDemoModels == null) {
            Path dir = Files.createTempDirectory("rdv-bench-models");
            DemoModels.ensure(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "bench-models-cleanup"));
            trainedDemoModels = dir;
        }
        Files.createDirectories(modelsDir);
        try (Stream<Path> files = Files.list(trainedDemoModels)) {
            for (Path file : files.toList()) {
                Files.copy(file, modelsDir.resolve(file.getFileName().toString()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
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
