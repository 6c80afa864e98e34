package dev.rendezvous.runner.manifest;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.TopicNames;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One deployable model version, as described by its YAML manifest: who it is, which artifact (with
 * its SHA-256) and runtime execute it, how requests map to its input and its output to labels, how
 * it batches, and where it comes from.
 *
 * <p>Example:
 * <pre>{@code
 * app: fraud
 * name: fraud-lr
 * version: "2"
 * role: canary              # live | shadow | canary | retired; default shadow
 * runtime: onnx
 * artifact: fraud-lr-2.onnx # relative to the manifest file
 * sha256: 2357f272c876fd64aafb0d0c16907bc04052c134bf7acea014f58689037d4ece
 * input:  { tensor: input, features: [amount, cardAgeDays, distanceKm, hour, merchantRisk] }
 * output: { tensor: output, labels: [fraud, legit] }
 * batching: { maxBatch: 64, maxWaitMs: 0 }
 * lineage: { trainingData: ..., rawData: ..., prepCode: ..., trainCode: ..., seed: 22, params: {...}, metrics: {...} }
 * }</pre>
 *
 * @param artifact where the model file is; {@link #load} resolves it against the manifest's directory
 */
public record ModelManifest(String app, String name, String version, ModelRole role, ModelRuntime runtime,
                            Path artifact, String sha256, InputMapping input, OutputMapping output,
                            Batching batching, Lineage lineage) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ModelManifest {
        ManifestFields.requireText("app", app, "an application name such as fraud");
        if (!TopicNames.isLegalApp(app)) {
            throw new IllegalArgumentException("app is '" + app + "'; expected 1-63 lower-case letters, digits, '_' or '-'");
        }
        ManifestFields.requireText("name", name, "a model name such as fraud-lr");
        ManifestFields.requireText("version", version, "a version such as 3");
        try {
            new ModelRef(name, version);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("name/version '" + name + "@" + version + "' is not usable: " + e.getMessage(), e);
        }
        role = role == null ? ModelRole.SHADOW : role;
        if (runtime == null) {
            throw new IllegalArgumentException("runtime is missing; expected one of " + ModelRuntime.ONNX.wireName());
        }
        if (artifact == null) {
            throw new IllegalArgumentException("artifact is missing; expected the model file's path, relative to the manifest");
        }
        ManifestFields.requireText("sha256", sha256, "the artifact's SHA-256 as 64 hex digits");
        sha256 = sha256.trim().toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 is '" + sha256 + "'; expected 64 hex digits");
        }
        if (input == null) {
            throw new IllegalArgumentException("input is missing; expected { tensor: <input name>, features: [<names in column order>] }");
        }
        output = output == null ? OutputMapping.none() : output;
        batching = batching == null ? Batching.defaults() : batching;
        lineage = lineage == null ? Lineage.unknown() : lineage;
    }

    /**
     * Reads a manifest, resolves its artifact against the manifest's directory and checks that the
     * artifact exists and has the SHA-256 the manifest names.
     *
     * @throws ManifestException naming the file, the field, the value and what was expected
     */
    public static ModelManifest load(Path file) {
        return ManifestLoader.load(file);
    }

    public ModelRef ref() {
        return new ModelRef(name, version);
    }

    /** The runner's consumer group: one per model version, so every version sees every request. */
    public String consumerGroup() {
        return "model." + name + "." + version;
    }

    ModelManifest withArtifact(Path resolved) {
        return new ModelManifest(app, name, version, role, runtime, resolved, sha256, input, output, batching, lineage);
    }
}
