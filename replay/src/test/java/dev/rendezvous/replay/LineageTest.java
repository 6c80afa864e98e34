package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.replay.cli.LineageCommand;
import dev.rendezvous.replay.lineage.ExportedInputs;
import dev.rendezvous.replay.lineage.LineageVerifier;
import dev.rendezvous.replay.lineage.SnapshotTraining;
import dev.rendezvous.replay.lineage.TrainingRecipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Training on a snapshot is seeded (same bytes twice), and a manifest's training snapshot is verified before deploying. */
class LineageTest {
    private static final String SNAPSHOT = "ab".repeat(32);

    @Test
    void trainsTheSameModelBytesTwiceAndNamesTheSnapshotInTheLineage(@TempDir Path dir) throws Exception {
        List<ScoringRequest> requests = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        List<Map<String, Number>> features = DemoModels.sampleFeatures(3, 600);
        for (int i = 0; i < features.size(); i++) {
            requests.add(new ScoringRequest("t-" + i, "fraud", JsonCodec.mapper().valueToTree(features.get(i)), null, 1, 2, null, null));
            Map<String, Number> f = features.get(i);
            labels.put("t-" + i, f.get("amount").doubleValue() * f.get("merchantRisk").doubleValue() > 40 ? "fraud" : "legit");
        }
        ExportedInputs export = new ExportedInputs(new ExportManifest(SNAPSHOT, "fraud", "ndjson", "inputs.ndjson", "cd".repeat(32),
                requests.size(), 0, List.of(), List.of(), 0), requests);
        TrainingRecipe recipe = TrainingRecipe.factorizationMachine("fraud", "fraud-fm", "9", DemoModels.featureNames(), 5);

        SnapshotTraining.Trained first = SnapshotTraining.train(export, labels, "test-rule", recipe, dir.resolve("a"));
        SnapshotTraining.Trained second = SnapshotTraining.train(export, labels, "test-rule", recipe, dir.resolve("b"));

        assertThat(Files.readAllBytes(second.artifact())).isEqualTo(Files.readAllBytes(first.artifact()));
        ModelManifest manifest = ModelManifest.load(first.manifest());
        assertThat(manifest.lineage().trainingData()).isEqualTo("snapshot:" + SNAPSHOT + " export-sha256:" + "cd".repeat(32)
                + " rows:600 labels:test-rule");
        assertThat(manifest.lineage().seed()).isEqualTo(5L);
        assertThat(manifest.lineage().metrics()).containsKeys("heldOutAccuracy", "heldOutRows");
        assertThat(first.trainingRows()).isEqualTo(480);
    }

    @Test
    void verifiesTheTrainingSnapshotAndRefusesOneTheArchiveDoesNotHave(@TempDir Path dir) throws Exception {
        FraudArchive archive = FraudArchive.get();
        Path known = withTrainingData(archive.fmManifest, dir.resolve("known"), "snapshot:" + archive.snapshotId + " rows:100000");
        Path unknown = withTrainingData(archive.fmManifest, dir.resolve("unknown"), "snapshot:" + "0".repeat(64));
        LineageVerifier verifier = new LineageVerifier(archive.archiveDir);

        assertThat(verifier.verify(ModelManifest.load(known))).hasValueSatisfying(report -> {
            assertThat(report.ok()).isTrue();
            assertThat(report.segmentsChecked()).isEqualTo(4);
        });
        assertThatThrownBy(() -> verifier.verify(ModelManifest.load(unknown))).isInstanceOf(IOException.class)
                .hasMessageContaining("fraud-fm@1 was trained on snapshot " + "0".repeat(64));
        assertThat(verifier.verify(ModelManifest.load(archive.fmManifest))).isEmpty();

        StringWriter err = new StringWriter();
        int exit = new CommandLine(new LineageCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("verify", "--dir", archive.archiveDir.toString(), unknown.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("lineage: model fraud-fm@1 was trained on snapshot");
    }

    /** A copy of a manifest (and its artifact) whose lineage.trainingData is replaced. */
    private static Path withTrainingData(Path manifest, Path dir, String trainingData) throws IOException {
        Files.createDirectories(dir);
        ModelManifest loaded = ModelManifest.load(manifest);
        Files.copy(loaded.artifact(), dir.resolve(loaded.artifact().getFileName()));
        String yaml = Files.readString(manifest).replaceAll("(?m)^(\\s+trainingData:).*$", "$1 \"" + trainingData + "\"");
        Path copy = dir.resolve(manifest.getFileName());
        Files.writeString(copy, yaml);
        return copy;
    }
}
