package dev.rendezvous.model.runtimes.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.manifest.ArtifactHash;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.ModelRuntimes;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginModelTest {
    @TempDir
    static Path dir;
    static Path fraudRules;
    static Path twoModels;
    static Path noProvider;

    @BeforeAll
    static void buildJars() throws Exception {
        fraudRules = PluginJars.build(PluginJars.FRAUD_RULES_SOURCES, dir.resolve("fraud-rules.jar"), List.of(PluginJars.FRAUD_RULES));
        Path second = dir.resolve("second-src/dev/rendezvous/examples");
        Files.createDirectories(second);
        Files.writeString(second.resolve("AlwaysLegit.java"), """
                package dev.rendezvous.examples;
                import dev.rendezvous.model.api.*;
                import java.util.*;
                public final class AlwaysLegit implements Model {
                    public Signature signature() {
                        return new Signature(List.of(TensorSpec.of("input", DataType.FP32, -1, 5)), List.of(TensorSpec.of("output", DataType.FP32, -1, 2)));
                    }
                    public Map<String, TensorValue> predict(Map<String, TensorValue> inputs) {
                        int rows = (int) inputs.get("input").dim(0);
                        float[] out = new float[rows * 2];
                        for (int r = 0; r < rows; r++) { out[2 * r + 1] = 1; }
                        return Map.of("output", TensorValue.of(out, rows, 2));
                    }
                }
                """);
        Files.copy(PluginJars.FRAUD_RULES_SOURCES.resolve("dev/rendezvous/examples/FraudRules.java"), second.resolve("FraudRules.java"));
        twoModels = PluginJars.build(dir.resolve("second-src"), dir.resolve("two.jar"),
                List.of(PluginJars.FRAUD_RULES, "dev.rendezvous.examples.AlwaysLegit"));
        noProvider = PluginJars.build(PluginJars.FRAUD_RULES_SOURCES, dir.resolve("none.jar"), List.of());
    }

    @Test
    void loadsTheJarsOnlyModelWithServiceLoaderAndScoresNamedFeaturesWithIt() throws Exception {
        ModelManifest manifest = manifest(fraudRules, "");

        List<ModelScore> scores;
        try (BatchModel model = ModelRuntimes.load(manifest)) {
            assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("input", DataType.FP32, -1, 5));
            scores = new BatchScorer(manifest, model, FailureInjector.NONE, Clock.systemUTC()).score(List.of(
                    request("risky", "{\"amount\": 5000, \"cardAgeDays\": 3, \"distanceKm\": 900, \"hour\": 2, \"merchantRisk\": 0.9}"),
                    request("calm", "{\"amount\": 20, \"cardAgeDays\": 900, \"distanceKm\": 2, \"hour\": 14, \"merchantRisk\": 0.1}"))).scores();
        }

        assertThat(scores.get(0).output().get("label").asText()).isEqualTo("fraud");
        assertThat(scores.get(0).output().get("output").get(0).floatValue()).isEqualTo(0.99f);
        assertThat(scores.get(1).output().get("label").asText()).isEqualTo("legit");
        assertThat(scores.get(1).output().get("output").get(0).floatValue()).isEqualTo(0.02f);
        assertThat(scores).extracting(ModelScore::batchSize).containsOnly(2);
    }

    @Test
    void picksTheModelNamedByClassNameWhenTheJarProvidesSeveral() {
        ModelManifest manifest = manifest(twoModels, "className: dev.rendezvous.examples.AlwaysLegit\n");

        try (BatchModel model = ModelRuntimes.load(manifest)) {
            assertThat(model.toString()).contains("AlwaysLegit");
        }
    }

    @Test
    void refusesAJarWithSeveralModelsAndNoClassName() {
        assertThatThrownBy(() -> ModelRuntimes.load(manifest(twoModels, ""))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("provides [dev.rendezvous.examples.FraudRules, dev.rendezvous.examples.AlwaysLegit]; name the one to run with className");
    }

    @Test
    void refusesAClassNameTheJarDoesNotProvide() {
        assertThatThrownBy(() -> ModelRuntimes.load(manifest(fraudRules, "className: com.example.Nope\n"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("className 'com.example.Nope' is not a Model provided by", "it provides [dev.rendezvous.examples.FraudRules]");
    }

    @Test
    void refusesAJarWithoutAServiceLoaderProvider() {
        assertThatThrownBy(() -> ModelRuntimes.load(manifest(noProvider, ""))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("provides no dev.rendezvous.model.api.Model", "META-INF/services/dev.rendezvous.model.api.Model");
    }

    @Test
    void refusesAJarThatChangedAfterTheManifestWasLoaded() throws Exception {
        Path copy = dir.resolve("changing.jar");
        Files.copy(fraudRules, copy);
        ModelManifest manifest = manifest(copy, "");
        Files.copy(twoModels, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> ModelRuntimes.load(manifest)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has SHA-256 " + ArtifactHash.sha256(twoModels), "refusing");
    }

    static ModelManifest manifest(Path jar, String extraYaml) {
        try {
            Path file = jar.resolveSibling(jar.getFileName() + ".yaml");
            Files.writeString(file, """
                    app: fraud
                    name: fraud-rules
                    version: "1"
                    runtime: java
                    artifact: %s
                    sha256: %s
                    input: { tensor: input, features: [amount, cardAgeDays, distanceKm, hour, merchantRisk] }
                    output: { tensor: output, labels: [fraud, legit] }
                    """.formatted(jar.getFileName(), ArtifactHash.sha256(jar)) + extraYaml);
            return ModelManifest.load(file);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ScoringRequest request(String id, String features) throws Exception {
        long now = System.currentTimeMillis();
        return new ScoringRequest(id, "fraud", JsonCodec.mapper().readTree(features), null, now, now + 60_000, null, null);
    }
}
