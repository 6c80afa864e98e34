package dev.rendezvous.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.chaos.LoadDriver.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The chaos suite: the platform one service per process ({@link ChaosPlatform}), an open-loop load on
 * its gateway ({@link LoadDriver}), and one fault at a time while the load runs — kill -9 of the
 * rendezvous (its hot standby running), of the decoy and the archiver (together; in the heavy run one
 * after the other) and of the gateway, each restarted at once as a supervisor would; kill -9 of the broker, restarted after a few seconds; the archive's disk full
 * for a few seconds (and, in the heavy run, kill -9 of the standby and of the models). After each: every
 * request has one HTTP answer (200, 503 or 504) by deadline + grace on the gateway's clock (+ an
 * allowance for a starved JVM, reported apart) and no caller waits longer than {@link #HANG_MS} beyond
 * it — except, for the gateway's own kill, those in flight at the kill or sent while it was down,
 * counted apart. At the end, after recovery: no consumer group lags, every partition has an owner,
 * every request a decision answered is in the archive exactly once with the input it was sent with,
 * and no record is archived twice.
 *
 * <p>Default: one round at 40 req/s. {@code -Dchaos.heavy=true}: three rounds at 100 req/s, all eight
 * faults, longer load around each; {@code -Dchaos.rounds}, {@code -Dchaos.rate}, {@code -Dchaos.loadSeconds}
 * override each (docs/reliability.md). Counts go to stdout, {@code target/chaos-report.md} and every
 * request to {@code target/chaos-outcomes.csv}; the services' logs stay in {@code target/chaos-run}.
 */
class ChaosIT {
    private static final boolean HEAVY = Boolean.getBoolean("chaos.heavy");
    private static final int ROUNDS = Integer.getInteger("chaos.rounds", HEAVY ? 3 : 1);
    private static final int RATE = Integer.getInteger("chaos.rate", HEAVY ? 100 : 40);
    /** Load before each fault and after the service is back. */
    private static final Duration AROUND = Duration.ofSeconds(Integer.getInteger("chaos.loadSeconds", HEAVY ? 6 : 2));
    /** How long the broker stays dead, and the disk full. */
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    /**
     * The gateway answers by deadline + grace by its own clock (the body's {@code latencyMs}, from admission);
     * its timer and event loop run late when the JVM gets no CPU. Allowed on top, and reported apart
     * ("> deadline + grace, gateway's clock"), for seven JVMs sharing two cores.
     */
    private static final long GATEWAY_ALLOWANCE_MS = 1_000;
    // On an overloaded box (see QUIET_LOAD_PER_CORE) a JVM just (re)started gets a sliver of a core: the heavy run's restarted
    // gateway served decisions 2.4-2.6 s after admission by its own clock. There only HANG_MS is asserted, and the counts reported.
    /**
     * The caller measures from before the connection to the end of the body, its own JVM starved too:
     * an answer later than this is a hang. Reported exactly ("> deadline + grace").
     */
    private static final long HANG_MS = 5_000;
    /** Below this 1-minute load average per core, the box is not overloaded and the standby must leave no timeout at all. */
    private static final double QUIET_LOAD_PER_CORE = 2.0;
    /** After the broker is back, decisions by a model again within this. Issue 15's target is 10 s; docs/reliability.md has what was measured. */
    private static final Duration BROKER_RECOVERY_BOUND = Duration.ofSeconds(30);

    /** Kept after the run: each service's directory, with its service.log (appended across restarts). */
    private static final Path root = Path.of("target", "chaos-run").toAbsolutePath();
    private static ChaosPlatform platform;
    private static LoadDriver load;
    private static final List<Outcome> everything = new ArrayList<>();
    private static final List<Tally> tallies = new ArrayList<>();

    @BeforeAll
    static void startPlatform() throws Exception {
        ArchiveDisk.unmountLeftover(root.resolve("archive-disk"));
        deleteTree(root);
        long started = System.nanoTime();
        platform = ChaosPlatform.start(root);
        System.out.printf("chaos: platform of %d processes ready in %d ms, %d start(s) repeated (rate %d req/s, %d round(s), %s around each fault)%n",
                platform.services().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), platform.startRetries, RATE, ROUNDS, AROUND);
        load = new LoadDriver(platform.gatewayPort, RATE);
        // Warm-up: the first requests meet cold JVMs; counted, not asserted.
        load.begin("warm-up");
        TimeUnit.SECONDS.sleep(4);
        long stuck = load.outstanding(2_000);
        if (stuck > 0) {
            // Seen in two runs: the first seconds of load after start-up left requests without any answer for 10 s.
            System.out.printf("chaos: warm-up: %d requests without an answer after 2 s; thread dumps in target/chaos-run/gateway/threads-warm-up.txt and load-driver-threads-warm-up.txt%n", stuck);
            platform.gateway.dumpThreads("threads-warm-up.txt");
            StringBuilder own = new StringBuilder();
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                own.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                    own.append("    at ").append(frame).append('\n');
                }
            });
            Files.writeString(root.resolve("load-driver-threads-warm-up.txt"), own);
        }
        record("warm-up (no fault)", load.end(), 0, "");
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        String report = Tally.header() + "\n" + String.join("\n", tallies.stream().map(Tally::row).toList()) + "\n";
        System.out.println(report);
        Files.writeString(Path.of("target", "chaos-report.md"), report);
        List<String> csv = new ArrayList<>(List.of("id,scenario,sentAtMs,status,outcome,reason,latencyMs,gatewayLatencyMs,error"));
        synchronized (everything) {
            everything.forEach(o -> csv.add(String.join(",", o.id(), quoted(o.scenario()), Long.toString(o.sentAtMs()), Integer.toString(o.status()),
                    String.valueOf(o.outcome()), quoted(o.reason()), Long.toString(o.latencyMs()), Long.toString(o.gatewayLatencyMs()), quoted(o.error()))));
        }
        Files.write(Path.of("target", "chaos-outcomes.csv"), csv);
        if (load != null) {
            load.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> faultsOneAtATimeUnderLoad() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            String r = ROUNDS > 1 ? " (round " + round + ")" : "";
            tests.add(DynamicTest.dynamicTest("kill -9 rendezvous, standby running" + r, () -> killRendezvousWithStandby(r)));
            if (HEAVY) {
                // RunnerRestartUnderLoadIT covers the models' kill; a standby's kill costs nothing but its own restart.
                tests.add(DynamicTest.dynamicTest("kill -9 standby" + r, () -> killAndRestart("kill -9 standby" + r, platform.standby)));
                tests.add(DynamicTest.dynamicTest("kill -9 models" + r, () -> killAndRestart("kill -9 models" + r, platform.models)));
            }
            if (HEAVY) {
                tests.add(DynamicTest.dynamicTest("kill -9 decoy" + r, () -> killAndRestart("kill -9 decoy" + r, platform.decoy)));
                tests.add(DynamicTest.dynamicTest("kill -9 archiver" + r, () -> killAndRestart("kill -9 archiver" + r, platform.archiver)));
            } else {
                // Together, to save a restart's 10-30 s in the default build: the archive's two writers down at once.
                tests.add(DynamicTest.dynamicTest("kill -9 decoy and archiver" + r,
                        () -> killAndRestart("kill -9 decoy and archiver together" + r, platform.decoy, platform.archiver)));
            }
            tests.add(DynamicTest.dynamicTest("kill -9 gateway" + r, () -> killGateway(r)));
            tests.add(DynamicTest.dynamicTest("kill -9 broker, restart" + r, () -> killBroker(r)));
            tests.add(DynamicTest.dynamicTest("archive disk full" + r, () -> fillArchiveDisk(r)));
        }
        tests.add(DynamicTest.dynamicTest("after recovery: no lag, every partition owned, archive complete without duplicates",
                ChaosIT::checkRecovery));
        return tests.stream();
    }

    private static void killRendezvousWithStandby(String round) throws Exception {
        double takeovers = platform.standby.counter("rdv_rendezvous_standby_takeovers_total");
        double expired = platform.standby.counter("rdv_rendezvous_standby_expired_total");
        List<Outcome> outcomes = killAndRestart("kill -9 rendezvous (standby running)" + round, platform.rendezvous);
        // Where the timeouts come from: a standby drops a held decision takeoverWindowMs past the deadline (expired).
        System.out.printf("chaos: the standby took over %.0f requests and let %.0f expire past its takeover window during the rendezvous kill%n",
                platform.standby.counter("rdv_rendezvous_standby_takeovers_total") - takeovers,
                platform.standby.counter("rdv_rendezvous_standby_expired_total") - expired);
        List<Outcome> timeouts = outcomes.stream().filter(o -> o.status() == 504).toList();
        double loadPerCore = loadAverage() / Runtime.getRuntime().availableProcessors();
        if (!overloaded()) {
            assertThat(timeouts).as("timeouts although the standby watched every partition of the killed rendezvous").isEmpty();
        } else {
            // Overloaded (other builds on the box): 504s then come in every scenario, the decoy's kill included
            // (docs/reliability.md). Without a standby every request until the restarted owner is back would be one.
            System.out.printf("chaos: load average %.1f per core: the 0-timeout target is not asserted, only that the standby answered"
                    + " at least 9 in 10 (%d timeouts of %d)%n", loadPerCore, timeouts.size(), outcomes.size());
            assertThat(timeouts.size()).as("timeouts of %d requests while the standby covered the killed rendezvous", outcomes.size())
                    .isLessThanOrEqualTo(outcomes.size() / 10);
        }
    }

    /** kill -9 under load, restarted at once; every request answered. */
    private static List<Outcome> killAndRestart(String scenario, ServiceProcess... victims) throws Exception {
        load.begin(scenario);
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        long killedAtMs = System.currentTimeMillis();
        for (ServiceProcess victim : victims) {
            victim.kill9();
        }
        long restartedAt = System.nanoTime();
        for (ServiceProcess victim : victims) {
            victim.start();
        }
        int retries = 0;
        for (ServiceProcess victim : victims) {
            retries += victim.awaitReadySupervised(ChaosPlatform.START_TIMEOUT);
        }
        long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        List<Outcome> outcomes = load.end();
        record(scenario, outcomes, killedAtMs, "ready again " + backMs + " ms after the kill" + (retries > 0 ? " (" + retries + " start(s) repeated)" : ""));
        assertEveryRequestAnswered(scenario, outcomes);
        return outcomes;
    }

    private static void killGateway(String round) throws Exception {
        String scenario = "kill -9 gateway" + round;
        load.begin(scenario);
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        long killedAtMs = System.currentTimeMillis();
        platform.gateway.kill9();
        platform.gateway.start();
        platform.gateway.awaitReadySupervised(ChaosPlatform.START_TIMEOUT);
        long readyAtMs = System.currentTimeMillis();
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        List<Outcome> outcomes = load.end();
        // The caller's loss: what was in flight when the process died, and what was sent while no gateway listened.
        long bound = ChaosPlatform.DEADLINE_MS + ChaosPlatform.REPLY_GRACE_MS + HANG_MS;
        List<Outcome> inFlight = outcomes.stream().filter(o -> !o.answered() && o.sentAtMs() <= killedAtMs && o.sentAtMs() >= killedAtMs - bound).toList();
        List<Outcome> whileDown = outcomes.stream().filter(o -> !o.answered() && o.sentAtMs() > killedAtMs && o.sentAtMs() <= readyAtMs).toList();
        List<Outcome> rest = outcomes.stream().filter(o -> !inFlight.contains(o) && !whileDown.contains(o)).toList();
        record(scenario, outcomes, killedAtMs, "ready again %d ms after the kill; no answer: %d in flight at the kill, %d sent while it was down"
                .formatted(readyAtMs - killedAtMs, inFlight.size(), whileDown.size()));
        assertEveryRequestAnswered(scenario + ", apart from those lost with the gateway", rest);
    }

    private static void killBroker(String round) throws Exception {
        String scenario = "kill -9 broker, restarted after " + OUTAGE.toSeconds() + " s" + round;
        load.begin(scenario);
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        long killedAtMs = System.currentTimeMillis();
        platform.broker.kill9();
        TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
        platform.broker.start();
        platform.broker.awaitReadySupervised(ChaosPlatform.START_TIMEOUT);
        long brokerReadyAtMs = System.currentTimeMillis();
        // Hold the load until a model decides a request sent after the broker was back (bounded), then a little longer.
        long until = System.nanoTime() + BROKER_RECOVERY_BOUND.toNanos();
        while (System.nanoTime() < until && load.firstModelDecisionSentSince(brokerReadyAtMs).isEmpty()) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        List<Outcome> outcomes = load.end();
        long recoveredAtMs = outcomes.stream().filter(o -> o.sentAtMs() >= brokerReadyAtMs && "model".equals(o.outcome()))
                .mapToLong(Outcome::sentAtMs).min().orElse(Long.MAX_VALUE);
        String recovery = recoveredAtMs == Long.MAX_VALUE ? "no model decision within " + BROKER_RECOVERY_BOUND.toSeconds() + " s of the broker's return"
                : "broker ready " + (brokerReadyAtMs - killedAtMs) + " ms after the kill; a model decided again for a request sent "
                + (recoveredAtMs - brokerReadyAtMs) + " ms after that";
        record(scenario, outcomes, killedAtMs, recovery);
        assertEveryRequestAnswered(scenario, outcomes);
        assertThat(recoveredAtMs - brokerReadyAtMs).as(recovery).isLessThanOrEqualTo(BROKER_RECOVERY_BOUND.toMillis());
    }

    private static void fillArchiveDisk(String round) throws Exception {
        String kind = platform.archive.kind();
        Assumptions.assumeTrue(kind != null, "this JVM runs as root but cannot mount a tmpfs: a read-only directory would not stop root");
        String scenario = "archive disk full for " + OUTAGE.toSeconds() + " s (" + kind + ")" + round;
        load.begin(scenario);
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        long filledAtMs = System.currentTimeMillis();
        long filled = platform.archive.fill();
        TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
        boolean archiverAlive = platform.archiver.alive();
        platform.archive.free();
        TimeUnit.MILLISECONDS.sleep(AROUND.toMillis());
        List<Outcome> outcomes = load.end();
        record(scenario, outcomes, filledAtMs, "filled " + filled + (kind.startsWith("tmpfs") ? " bytes" : " directories")
                + "; archiver process " + (archiverAlive ? "alive" : "dead") + " while full");
        assertEveryRequestAnswered(scenario, outcomes);
        assertThat(archiverAlive).as("the archiver process survives a full disk (log tail:%n%s)", platform.archiver.logTail()).isTrue();
    }

    private static void checkRecovery() throws Exception {
        // Fresh traffic after the last fault: every group must consume it, every partition must move.
        load.begin("after recovery");
        TimeUnit.SECONDS.sleep(3);
        List<Outcome> settle = load.end();
        record("after recovery (no fault)", settle, 0, "");
        assertEveryRequestAnswered("after recovery", settle);
        try (Admin admin = platform.admin()) {
            Map<String, Long> lag = ConsumerLag.awaitZero(admin, Duration.ofSeconds(60));
            System.out.println("chaos: consumer group lag after recovery: " + lag);
            assertThat(lag).as("consumer groups and their lag").isNotEmpty().allSatisfy((group, l) -> assertThat(l).as(group).isZero());
            assertThat(ConsumerLag.unowned(admin, "rendezvous", "fraud.requests", 3)).as("fraud.requests partitions without a rendezvous").isEmpty();
            assertThat(ConsumerLag.unowned(admin, "archiver", "fraud.decoy", 3)).as("fraud.decoy partitions without an archiver").isEmpty();
            assertThat(ConsumerLag.unowned(admin, "decoy", "fraud.requests", 3)).as("fraud.requests partitions without a decoy").isEmpty();
        }

        ArchiveContents archive = ArchiveContents.read(platform.archive.dir().resolve("fraud"));
        List<String> lost = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        List<String> altered = new ArrayList<>();
        int decided = 0;
        int undecidedArchived = 0;
        for (Outcome outcome : everything) {
            List<String> inputs = archive.inputsById.getOrDefault(outcome.id(), List.of());
            if (inputs.size() > 1) {
                twice.add(outcome.id() + " (" + outcome.scenario() + ") ×" + inputs.size());
            }
            if (!outcome.decided()) {
                undecidedArchived += inputs.isEmpty() ? 0 : 1;
                continue;
            }
            decided++;
            if (inputs.isEmpty()) {
                lost.add(outcome.id() + " (" + outcome.scenario() + ")");
            } else if (!inputs.get(0).equals(ArchiveContents.inputHash(load.features(outcome.id())))) {
                altered.add(outcome.id());
            }
        }
        System.out.printf("chaos: archive after recovery: %d lines, %d requests decided over the run, %d of them not archived, %d archived"
                        + " more than once, %d with another input; %d requests without a decision archived (at most once each);"
                        + " %d Kafka records on more than one line; %d unparseable lines %s%n",
                archive.lines, decided, lost.size(), twice.size(), altered.size(), undecidedArchived, archive.duplicateRecords().size(),
                archive.unparseable.size(), archive.unparseable);
        assertThat(lost).as("decided requests missing from the archive").isEmpty();
        assertThat(twice).as("requests archived more than once").isEmpty();
        assertThat(altered).as("requests archived with another input than they were sent with").isEmpty();
        assertThat(archive.duplicateRecords()).as("Kafka records archived on more than one line").isEmpty();
        assertThat(archive.unparseable).as("unparseable archive lines").isEmpty();
    }

    private static void assertEveryRequestAnswered(String scenario, List<Outcome> outcomes) {
        long answerBy = ChaosPlatform.DEADLINE_MS + ChaosPlatform.REPLY_GRACE_MS;
        long allowance = overloaded() ? HANG_MS : GATEWAY_ALLOWANCE_MS;
        assertThat(outcomes).as("%s: requests sent", scenario).isNotEmpty();
        assertThat(outcomes.stream().filter(o -> !o.answered()).map(o -> o.id() + " " + o.error()))
                .as("%s: requests without an HTTP answer", scenario).isEmpty();
        assertThat(outcomes.stream().filter(o -> o.status() != 200 && o.status() != 503 && o.status() != 504).map(o -> o.id() + " " + o.status() + " " + o.reason()))
                .as("%s: answers other than 200, 503 and 504", scenario).isEmpty();
        assertThat(outcomes.stream().filter(o -> o.gatewayLatencyMs() > answerBy + allowance)
                .map(o -> o.id() + " " + o.status() + " in " + o.gatewayLatencyMs() + " ms"))
                .as("%s: answers later than deadline + grace + %d ms by the gateway's clock", scenario, allowance).isEmpty();
        // The gateway's own 504 is due a learnt margin before deadline + grace (EventLoopLag): on a box that is not
        // overloaded it is written by then, with no allowance (before the margin every 504 was past it by construction).
        if (!overloaded()) {
            assertThat(outcomes.stream().filter(o -> o.status() == 504 && o.gatewayLatencyMs() > answerBy)
                    .map(o -> o.id() + " in " + o.gatewayLatencyMs() + " ms"))
                    .as("%s: 504s written after deadline + grace by the gateway's clock", scenario).isEmpty();
        }
        assertThat(outcomes.stream().filter(o -> o.latencyMs() > answerBy + HANG_MS).map(o -> o.id() + " " + o.status() + " in " + o.latencyMs() + " ms"))
                .as("%s: answers the caller had later than deadline + grace + %d ms", scenario, HANG_MS).isEmpty();
    }

    /** Counts a scenario; the note gets when its 503s, 504s and unanswered requests were sent, relative to the fault, and the box's load. */
    private static void record(String scenario, List<Outcome> outcomes, long faultAtMs, String note) throws java.io.IOException {
        List<String> parts = new ArrayList<>();
        if (!note.isEmpty()) {
            parts.add(note);
        }
        for (int status : new int[] {503, 504, 0}) {
            var sent = outcomes.stream().filter(o -> o.status() == status).mapToLong(o -> o.sentAtMs() - (faultAtMs == 0 ? outcomes.get(0).sentAtMs() : faultAtMs))
                    .summaryStatistics();
            if (sent.getCount() > 0) {
                parts.add("%s sent %+.1f..%+.1f s %s".formatted(status == 0 ? "unanswered" : Integer.toString(status), sent.getMin() / 1000.0,
                        sent.getMax() / 1000.0, faultAtMs == 0 ? "from the start" : "of the fault"));
            }
        }
        outcomes.stream().filter(o -> !o.answered()).map(o -> o.error().replaceAll(":.*", "")).distinct()
                .forEach(error -> parts.add("no answer: " + error));
        parts.add("load avg " + loadAverage());
        Tally tally = Tally.of(scenario, outcomes, String.join("; ", parts));
        System.out.println("chaos: " + tally.row());
        tallies.add(tally);
        synchronized (everything) {
            everything.addAll(outcomes);
        }
    }

    /** Whether the box is overloaded now: a 1-minute load average of {@link #QUIET_LOAD_PER_CORE} per core or more. */
    private static boolean overloaded() {
        return loadAverage() / Runtime.getRuntime().availableProcessors() >= QUIET_LOAD_PER_CORE;
    }

    /** The 1-minute load average (0 where /proc is missing). */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String quoted(String text) {
        return text == null ? "" : '"' + text.replace("\"", "\"\"").replace('\n', ' ') + '"';
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.delete(path);
            }
        }
    }
}
