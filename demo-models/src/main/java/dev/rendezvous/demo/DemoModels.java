package dev.rendezvous.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo models of application {@code fraud}, trained with Tribuo on seeded synthetic data and
 * exported to ONNX with a manifest each: {@code fraud-fm@1} (live, a factorization machine),
 * {@code fraud-lr@1} (live, logistic regression) and {@code fraud-lr@2} (canary, another seed and
 * learning rate).
 */
public final class DemoModels {
    public static final String APP = "fraud";
    /** Seed of the dataset every demo model is trained and measured on. */
    public static final long DATA_SEED = 20_240_611L;
    static final int DATA_ROWS = 20_000;
    static final double TRAINING_FRACTION = 0.8;

    static final List<ModelRecipe> RECIPES = List.of(
            // fraud-fm@1 is served first; fraud-lr@1 only from 40 ms on and the canary never: they batch.
            new ModelRecipe("fraud-fm", "1", "live", 0, ModelRecipe.Algorithm.FACTORIZATION_MACHINE, 3, 0.1, 4, 11L),
            new ModelRecipe("fraud-lr", "1", "live", 20, ModelRecipe.Algorithm.LOGISTIC_REGRESSION, 3, 0.1, 0, 21L),
            new ModelRecipe("fraud-lr", "2", "canary", 20, ModelRecipe.Algorithm.LOGISTIC_REGRESSION, 5, 0.05, 0, 22L));

    private DemoModels() {
    }

    /**
     * Makes sure {@code dir} holds {@code <name>-<version>.onnx} and {@code <name>-<version>.yaml} for
     * every demo model, training only those that are missing or stale (made by another recipe, or
     * whose artifact no longer matches the manifest's hash), and returns the manifest paths.
     */
    public static List<Path> ensure(Path dir) {
        try {
            Files.createDirectories(dir);
            FraudDataset raw = FraudDataset.generate(DATA_SEED, DATA_ROWS);
            FraudDataset.Split split = raw.split(TRAINING_FRACTION);
            String trainingData = DemoManifest.datasetId(split.training());
            String rawData = DemoManifest.datasetId(raw);
            List<Path> manifests = new ArrayList<>();
            for (ModelRecipe recipe : RECIPES) {
                Path manifest = dir.resolve(recipe.fileStem() + ".yaml");
                Path artifact = dir.resolve(recipe.fileStem() + ".onnx");
                ObjectNode identity = DemoManifest.identity(recipe, trainingData, rawData);
                if (!isCurrent(manifest, artifact, identity)) {
                    FraudModelTraining.TrainedModel trained = FraudModelTraining.train(recipe, split);
                    byte[] onnx = trained.toOnnx("dev.rendezvous.demo");
                    // The artifact first, then the manifest naming its hash: a crash in between leaves a stale pair, retrained next time.
                    writeAtomically(artifact, onnx);
                    writeAtomically(manifest, DemoManifest.toYaml(identity, trained, sha256(onnx)).getBytes(StandardCharsets.UTF_8));
                }
                manifests.add(manifest);
            }
            return List.copyOf(manifests);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo models to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The features a fraud request carries, in their natural order (each manifest lists the model's column order). */
    public static List<String> featureNames() {
        return FraudDataset.FEATURE_NAMES;
    }

    /**
     * {@code count} plausible feature maps (feature name to number) from the same generator as the
     * training data but another seed, for tests, benchmarks and examples.
     */
    public static List<Map<String, Number>> sampleFeatures(long seed, int count) {
        return FraudDataset.generate(seed, count).rows().stream().map(FraudTransaction::features).collect(Collectors.toList());
    }

    private static boolean isCurrent(Path manifest, Path artifact, ObjectNode identity) throws IOException {
        if (!Files.isRegularFile(manifest) || !Files.isRegularFile(artifact)) {
            return false;
        }
        JsonNode existing;
        try {
            existing = DemoManifest.YAML.readTree(manifest.toFile());
        } catch (IOException e) {
            return false;
        }
        return existing != null && DemoManifest.matches(existing, identity, sha256(Files.readAllBytes(artifact)));
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                // Temporary files are created owner-only; a manifest and its model are meant to be shared.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep its defaults.
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
