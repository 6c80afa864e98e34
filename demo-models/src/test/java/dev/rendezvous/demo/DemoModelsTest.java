package dev.rendezvous.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.export.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelsTest {
    @TempDir
    static Path shared;
    static List<Path> manifests;

    @BeforeAll
    static void trainOnce() {
        manifests = DemoModels.ensure(shared);
    }

    @Test
    void writesAModelAndAManifestPerDemoModel() throws Exception {
        assertThat(manifests).extracting(p -> p.getFileName().toString())
                .containsExactly("fraud-fm-1.yaml", "fraud-lr-1.yaml", "fraud-lr-2.yaml");
        for (Path manifest : manifests) {
            JsonNode yaml = DemoManifest.YAML.readTree(manifest.toFile());
            Path artifact = manifest.resolveSibling(yaml.get("artifact").asText());
            assertThat(yaml.get("sha256").asText()).isEqualTo(DemoModels.sha256(Files.readAllBytes(artifact)));
            assertThat(yaml.get("app").asText()).isEqualTo("fraud");
            assertThat(yaml.at("/lineage/metrics/heldOutAucFraud").asDouble()).isGreaterThan(0.8);
            assertThat(yaml.at("/lineage/trainingData").asText())
                    .contains("seed=" + DemoModels.DATA_SEED, "sha256:" + FraudDataset.generate(DemoModels.DATA_SEED, DemoModels.DATA_ROWS)
                            .split(DemoModels.TRAINING_FRACTION).training().sha256());
        }
        assertThat(roles()).containsExactly("live", "live", "canary");
    }

    @Test
    void manifestListsFeaturesInTheModelsColumnOrderAndLabelsInItsOutputOrder() throws Exception {
        JsonNode yaml = DemoManifest.YAML.readTree(manifests.get(0).toFile());

        // Tribuo numbers features by sorted name, not in the order the dataset declares them.
        assertThat(texts(yaml.at("/input/features"))).containsExactly("amount", "cardAgeDays", "distanceKm", "hour", "merchantRisk");
        assertThat(texts(yaml.at("/output/labels"))).containsExactlyInAnyOrder("fraud", "legit");
    }

    @Test
    void exportedGraphScoresRawFeaturesLikeTribuoScoresStandardizedOnes() throws Exception {
        FraudDataset.Split split = FraudDataset.generate(DemoModels.DATA_SEED, 2_000).split(0.8);
        for (ModelRecipe recipe : DemoModels.RECIPES) {
            FraudModelTraining.TrainedModel trained = FraudModelTraining.train(recipe, split);
            List<String> columns = OnnxExport.columns(trained.model());
            List<String> labels = OnnxExport.labels(trained.model());
            List<FraudTransaction> rows = split.heldOut().rows().subList(0, 20);
            try (OnnxFile onnx = new OnnxFile(trained.toOnnx("test"))) {
                float[][] scores = onnx.score(rawRows(rows, columns));
                for (int i = 0; i < rows.size(); i++) {
                    var prediction = trained.model().predict(tribuoExample(rows.get(i), trained.standardizer()));
                    for (int j = 0; j < labels.size(); j++) {
                        double expected = prediction.getOutputScores().get(labels.get(j)).getScore();
                        assertThat((double) scores[i][j]).as("%s row %d label %s", recipe.fileStem(), i, labels.get(j))
                                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void sameSeedGivesByteIdenticalModelsAndManifests(@TempDir Path other) throws Exception {
        List<Path> again = DemoModels.ensure(other);

        for (int i = 0; i < manifests.size(); i++) {
            assertThat(Files.readString(again.get(i))).isEqualTo(Files.readString(manifests.get(i)));
            String onnx = manifests.get(i).getFileName().toString().replace(".yaml", ".onnx");
            assertThat(Files.readAllBytes(other.resolve(onnx))).isEqualTo(Files.readAllBytes(shared.resolve(onnx)));
        }
    }

    @Test
    void retrainsOnlyTheModelWhoseArtifactNoLongerMatches(@TempDir Path dir) throws Exception {
        DemoModels.ensure(dir);
        Path tampered = dir.resolve("fraud-lr-2.onnx");
        byte[] original = Files.readAllBytes(tampered);
        Files.write(tampered, new byte[] {1, 2, 3});
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(dir.resolve("fraud-fm-1.onnx"), old);
        Files.setLastModifiedTime(dir.resolve("fraud-fm-1.yaml"), old);

        DemoModels.ensure(dir);

        assertThat(Files.readAllBytes(tampered)).isEqualTo(original);
        assertThat(Files.getLastModifiedTime(dir.resolve("fraud-fm-1.onnx"))).isEqualTo(old);
        assertThat(Files.getLastModifiedTime(dir.resolve("fraud-fm-1.yaml"))).isEqualTo(old);
    }

    @Test
    void retrainsAModelWhoseManifestWasMadeByAnotherRecipe(@TempDir Path dir) throws Exception {
        DemoModels.ensure(dir);
        Path manifest = dir.resolve("fraud-lr-1.yaml");
        String original = Files.readString(manifest);
        Files.writeString(manifest, original.replace("seed: 21", "seed: 99"));

        DemoModels.ensure(dir);

        assertThat(Files.readString(manifest)).isEqualTo(original);
    }

    @Test
    void onlyTheModelServedFirstFetchesEachRequestAtOnceTheOthersBatch() throws Exception {
        List<Integer> waits = new ArrayList<>();
        for (Path manifest : manifests) {
            waits.add(DemoManifest.YAML.readTree(manifest.toFile()).at("/batching/maxWaitMs").asInt(-1));
        }
        assertThat(waits).containsExactly(0, 20, 20);
    }

    @Test
    void rewritesAManifestWhoseBatchingLimitsDifferFromTheRecipes(@TempDir Path dir) throws Exception {
        DemoModels.ensure(dir);
        Path manifest = dir.resolve("fraud-lr-2.yaml");
        String original = Files.readString(manifest);
        assertThat(original).contains("maxWaitMs: 20");
        Files.writeString(manifest, original.replace("maxWaitMs: 20", "maxWaitMs: 0"));

        DemoModels.ensure(dir);

        assertThat(Files.readString(manifest)).isEqualTo(original);
    }

    @Test
    void factorizationMachineBeatsLogisticRegressionOnHeldOutData() throws Exception {
        List<FraudTransaction> heldOut = FraudDataset.generate(DemoModels.DATA_SEED, DemoModels.DATA_ROWS)
                .split(DemoModels.TRAINING_FRACTION).heldOut().rows();

        double fm = heldOutAuc(manifests.get(0), heldOut);
        double lr = heldOutAuc(manifests.get(1), heldOut);
        double canary = heldOutAuc(manifests.get(2), heldOut);

        assertThat(fm).isGreaterThan(lr + 0.03).isGreaterThan(canary + 0.03);
        assertThat(lr).isGreaterThan(0.8);
        assertThat(canary).isGreaterThan(0.8);
    }

    @Test
    void samplesAreFeatureMapsWithEveryFeature() {
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(3, 5);

        assertThat(samples).hasSize(5).allSatisfy(sample -> assertThat(sample).containsOnlyKeys(DemoModels.featureNames()));
        assertThat(DemoModels.sampleFeatures(3, 5)).isEqualTo(samples);
    }

    /** AUC of the fraud column computed from ONNX Runtime's output (Mann-Whitney). */
    private static double heldOutAuc(Path manifest, List<FraudTransaction> rows) throws Exception {
        JsonNode yaml = DemoManifest.YAML.readTree(manifest.toFile());
        List<String> columns = texts(yaml.at("/input/features"));
        int fraudColumn = texts(yaml.at("/output/labels")).indexOf(FraudDataset.FRAUD);
        float[][] scores;
        try (OnnxFile onnx = new OnnxFile(Files.readAllBytes(manifest.resolveSibling(yaml.get("artifact").asText())))) {
            scores = onnx.score(rawRows(rows, columns));
        }
        long positives = rows.stream().filter(FraudTransaction::fraud).count();
        long negatives = rows.size() - positives;
        double wins = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).fraud()) {
                continue;
            }
            for (int k = 0; k < rows.size(); k++) {
                if (!rows.get(k).fraud()) {
                    float p = scores[i][fraudColumn];
                    float n = scores[k][fraudColumn];
                    wins += p > n ? 1 : p == n ? 0.5 : 0;
                }
            }
        }
        return wins / (positives * (double) negatives);
    }

    private static float[][] rawRows(List<FraudTransaction> rows, List<String> columns) {
        float[][] raw = new float[rows.size()][columns.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < columns.size(); c++) {
                raw[i][c] = (float) rows.get(i).feature(columns.get(c));
            }
        }
        return raw;
    }

    private static org.tribuo.Example<org.tribuo.classification.Label> tribuoExample(FraudTransaction row, Standardizer standardizer) {
        String[] names = FraudDataset.FEATURE_NAMES.toArray(String[]::new);
        double[] values = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = standardizer.apply(names[i], row.feature(names[i]));
        }
        return new org.tribuo.impl.ArrayExample<>(new org.tribuo.classification.Label(row.label()), names, values);
    }

    private static List<String> roles() throws Exception {
        List<String> roles = new ArrayList<>();
        for (Path manifest : manifests) {
            roles.add(DemoManifest.YAML.readTree(manifest.toFile()).get("role").asText());
        }
        return roles;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
