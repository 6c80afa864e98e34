package dev.rendezvous.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.bench.BenchOptions.PlatformMode;
import dev.rendezvous.protocol.JsonCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the process mode and the ablation working, at a few seconds of load each: the platform
 * started with the README's launcher jar in a JVM of its own (built by this reactor's deploy module
 * before this module's integration tests), and the four ablation steps on the in-JVM platform. It
 * checks rows, that every request sent got an HTTP answer, and that no platform JVM is left behind —
 * never how fast anything was.
 */
class ProcessModeAndAblationSmokeIT {

    /** One second per target at 40 req/s; a warm-up only where asked (each ablation step would pay it twice). */
    private static BenchOptions tiny(Path dir, Path doc, List<String> targets, Duration warmUp) {
        return new BenchOptions(40, Duration.ofSeconds(1), 1, warmUp, 500, Duration.ofSeconds(5),
                List.of(), Duration.ofSeconds(1), 1, 100, Duration.ZERO, 0, dir.resolve("out"), doc, targets);
    }

    @Test
    void processModeDrivesTheLaunchedPlatformAndItsBrokerAndLeavesNoJvmBehind(@TempDir Path dir) throws Exception {
        BenchOptions options = tiny(dir, null, List.of("kafka-3-hops", "rendezvous"), Duration.ofSeconds(1)).withPlatform(PlatformMode.PROCESS, false, null);

        assertThat(BenchMain.execute(options, "smoke --platform process")).isZero();

        JsonNode json = JsonCodec.mapper().readTree(dir.resolve("out").resolve("latest.json").toFile());
        assertThat(json.path("platformMode").asText()).isEqualTo("process");
        assertThat(json.path("comparison")).extracting(node -> node.path("target").asText()).containsExactly("kafka-3-hops", "rendezvous");
        assertThat(json.path("comparison")).allSatisfy(everyRequestAnswered());
        // The child's CPU is read per segment (it is added into each row's total by construction, so only its presence is checked).
        assertThat(json.path("comparison")).allSatisfy(node -> assertThat(node.path("platformProcessCpuMsPerRequest").asDouble()).isPositive());
        assertThat(Files.readString(dir.resolve("out").resolve("latest.md"))).contains("platform process CPU ms / request");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void ablationMeasuresEveryStepBesideTheKafkaFloorAndFillsItsOwnDocumentSection(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("performance.md");
        Files.writeString(doc, "# Performance\n\nHand-written analysis that must survive.\n");
        BenchOptions options = tiny(dir, doc, List.of(), Duration.ZERO).withPlatform(PlatformMode.IN_JVM, true, null);

        assertThat(BenchMain.execute(options, "smoke --ablation")).isZero();

        JsonNode json = JsonCodec.mapper().readTree(dir.resolve("out").resolve("ablation-latest.json").toFile());
        JsonNode steps = json.path("ablation");
        assertThat(steps).extracting(node -> node.path("step").asText())
                .containsExactly("1 model", "+2 models", "+decoy, archiver", "+batching canary (= up)");
        assertThat(steps).allSatisfy(step -> {
            everyRequestAnswered().accept(step.path("rendezvous"));
            everyRequestAnswered().accept(step.path("kafka3Hops"));
        });
        assertThat(Files.readString(doc)).startsWith("# Performance\n\nHand-written analysis that must survive.\n")
                .contains("| 1 model |").contains("| +batching canary (= up) |").contains("smoke --ablation");
        assertThat(dir.resolve("out").resolve("latest.json")).doesNotExist();
    }

    /**
     * Some requests answered with a score, and every request sent got an answer from the platform: a
     * 200, or its own 503 (shed) or 504 (timeout), which a cold JVM on a busy CI machine may give
     * without warm-up. Not allowed: a connection error or other status, a request still unanswered
     * after the drain, or one the client never sent.
     */
    private static Consumer<JsonNode> everyRequestAnswered() {
        return node -> {
            JsonNode outcomes = node.path("outcomes");
            assertThat(outcomes.path("answered").asLong()).as(node.path("target").asText() + " answered 200").isPositive();
            assertThat(outcomes.path("failed").asLong() + outcomes.path("dropped_by_client").asLong() + node.path("unanswered").asLong())
                    .as(node.path("target").asText() + " failed, dropped or unanswered").isZero();
        };
    }
}
