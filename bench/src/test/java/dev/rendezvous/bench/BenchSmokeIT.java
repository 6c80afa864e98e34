package dev.rendezvous.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the harness working: a seconds-long run of every target at a low rate on the real broker and
 * platform. It checks that the harness produced its table, JSON and document section with every target
 * and non-zero counts — never how fast anything was (benchmarks are not tests).
 */
class BenchSmokeIT {

    @Test
    void producesTableJsonAndDocumentSectionWithEveryTargetAndNonZeroCounts(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("performance.md");
        Files.writeString(doc, "# Performance\n\nHand-written analysis that must survive.\n");
        BenchOptions options = new BenchOptions(40, Duration.ofSeconds(1), 1, Duration.ZERO, 500, Duration.ofSeconds(5),
                List.of(40.0), Duration.ofSeconds(1), 1, 100, Duration.ofMillis(100), 300, dir.resolve("out"), doc);

        assertThat(BenchMain.execute(options, "smoke")).isZero();

        JsonNode json = JsonCodec.mapper().readTree(dir.resolve("out").resolve("latest.json").toFile());
        assertThat(json.path("comparison")).extracting(node -> node.path("target").asText())
                .containsExactly("kafka-1-hop", "kafka-3-hops", "direct", "rendezvous");
        assertThat(json.path("comparison")).allSatisfy(node -> assertThat(node.path("outcomes").path("answered").asLong()).isPositive());
        JsonNode step = json.path("capacity").path("steps").get(0);
        assertThat(step.path("results")).extracting(node -> node.path("target").asText()).containsExactly("kafka-3-hops", "direct", "rendezvous");
        assertThat(step.path("results")).allSatisfy(node -> assertThat(node.path("outcomes").path("answered").asLong()).isPositive());
        assertThat(json.path("batchingRecordsPerSecond").path("64").asDouble()).isPositive();
        assertThat(json.path("archive").path("records").asLong()).isEqualTo(300);
        // The replay reads the snapshot of that archive: every archived record, each one scored.
        JsonNode replay = json.path("replay");
        assertThat(replay.path("recordsReplayed").asLong()).isEqualTo(json.path("archive").path("records").asLong());
        assertThat(replay.path("failed").asLong()).isZero();
        assertThat(replay.path("openSegmentsLeftOut").asInt()).isZero();
        assertThat(replay.path("recordsPerSecond").asDouble()).isPositive();
        assertThat(json.path("comparison")).allSatisfy(node -> assertThat(node.path("cpuMsPerRequest").asDouble()).isPositive());
        assertThat(json.path("startupMillis").asLong()).isPositive();

        String table = Files.readString(dir.resolve("out").resolve("latest.md"));
        for (String target : List.of("| kafka-1-hop |", "| kafka-3-hops |", "| direct |", "| rendezvous |")) {
            assertThat(table).contains(target);
        }
        assertThat(table).contains("| CPU ms / request |").contains("| replay throughput: fraud-fm@1");
        assertThat(Files.readString(doc)).startsWith("# Performance\n\nHand-written analysis that must survive.\n")
                .contains("### Side by side at 40.0 req/s").contains("smoke");
    }
}
