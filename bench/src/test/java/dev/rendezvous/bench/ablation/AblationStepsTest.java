package dev.rendezvous.bench.ablation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationStepsTest {
    private static final String MANIFEST = """
            app: fraud
            name: fraud-lr
            version: "%s"
            role: %s
            runtime: onnx
            artifact: fraud-lr-%s.onnx
            batching:
              maxBatch: 64
              maxWaitMs: 20
            """;

    @Test
    void buildsUpFromOneModelToTheBuiltInConfigurationWithNoWaitCopiesOfTheBatchingModels(@TempDir Path models) throws Exception {
        Files.writeString(models.resolve("fraud-lr-1.yaml"), MANIFEST.formatted("1", "live", "1"));
        Files.writeString(models.resolve("fraud-lr-2.yaml"), MANIFEST.formatted("2", "canary", "2"));

        List<AblationStep> steps = AblationSteps.demo(models);

        assertThat(steps).extracting(AblationStep::name).containsExactly("1 model", "+2 models", "+decoy, archiver", "+batching canary (= up)");
        assertThat(steps.get(0).settings(models)).containsEntry("services", "[gateway, rendezvous, models]")
                .containsEntry("models.demo", "false")
                .containsEntry("models.manifests", "[" + models.resolve("fraud-fm-1.yaml").toAbsolutePath() + "]");
        assertThat(steps.get(1).settings(models).get("models.manifests")).contains("fraud-lr-1-nowait.yaml", "fraud-lr-2-nowait.yaml");
        assertThat(steps.get(2).settings(models)).containsEntry("services", "[gateway, rendezvous, models, decoy, archiver]");
        assertThat(steps.get(3).settings(models)).as("the last step is rendezvous up as shipped").isEmpty();

        JsonNode canary = new ObjectMapper(new YAMLFactory()).readTree(models.resolve("fraud-lr-2-nowait.yaml").toFile());
        assertThat(canary.path("batching").path("maxWaitMs").asInt()).isZero();
        assertThat(canary.path("batching").path("maxBatch").asInt()).isEqualTo(64);
        assertThat(canary.path("role").asText()).isEqualTo("canary");
        assertThat(canary.path("artifact").asText()).isEqualTo("fraud-lr-2.onnx");
    }
}
