package dev.rendezvous.model.api.manifest;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.TopicNames;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One deployable model version, as described by its YAML manifest: who it is, which runtime executes
 * it and with what (an artifact with its SHA-256, or a remote server), how named features map to its
 * input and its output to labels, how it batches, and where it comes from. docs/models.md describes
 * every field.
 *
 * <p>Example:
 * <pre>{@code
 * app: fraud
 * name: fraud-lr
 * version: "2"
 * role: canary              # live | shadow | canary | retired; default shadow
 * runtime: onnx             # onnx | java | remote-oip
 * artifact: fraud-lr-2.onnx # relative to the manifest file (onnx, java)
 * sha256: 2357f272c876fd64aafb0d0c16907bc04052c134bf7acea014f58689037d4ece
 * input:  { tensor: input, features: [amount, cardAgeDays, distanceKm, hour, merchantRisk] }   # optional
 * output: { tensor: output, labels: [fraud, legit] }                                           # optional
 * batching: { maxBatch: 64, maxWaitMs: 20 }   # 0 for a model served first; "batching: false" forbids batching; see Batching
 * callTimeoutMs: 1000      # longest a model call may take; default 1000
 * lineage: { trainingData: ..., rawData: ..., prepCode: ..., trainCode: ..., seed: 22, params: {...}, metrics: {...} }
 * }</pre>
 *
 * @param artifact  the model file (onnx) or plug-in jar (java); {@link #load} resolves it against the manifest's directory
 * @param className java only: the {@link dev.rendezvous.model.api.Model} implementation to use when the jar provides several
 * @param url       remote-oip only: the model server's base URL, e.g. {@code http://models:8000}
 * @param model     remote-oip only: the model's name on that server
 * @param input     how named features fill the model's input; null when the model takes OIP tensors only
 * @param callTimeoutMs the longest one model call may take before its requests get {@code call-timeout} scores
 *                  and the runner stops waiting for it (1 to 60000 ms, default {@value #DEFAULT_CALL_TIMEOUT_MS})
 */
public record ModelManifest(String app, String name, String version, ModelRole role, ModelRuntime runtime,
                            Path artifact, String sha256, String className, URI url, String model,
                            InputMapping input, OutputMapping output, Batching batching, Integer callTimeoutMs, Lineage lineage) {
    public static final int DEFAULT_CALL_TIMEOUT_MS = 1_000;
    /** A minute: far beyond any deadline a policy sets, so a larger value would only hide a hung model. */
    static final int MAX_CALL_TIMEOUT_MS = 60_000;
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
            throw new IllegalArgumentException("runtime is missing; expected one of " + ModelRuntime.expected());
        }
        if (runtime.usesArtifact()) {
            if (artifact == null) {
                throw new IllegalArgumentException("artifact is missing; runtime " + runtime.wireName() + " needs the "
                        + runtime.artifactKind() + "'s path, relative to the manifest");
            }
            ManifestFields.requireText("sha256", sha256, "the artifact's SHA-256 as 64 hex digits");
            sha256 = sha256.trim().toLowerCase(Locale.ROOT);
            if (!SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("sha256 is '" + sha256 + "'; expected 64 hex digits");
            }
        } else {
            ManifestFields.requireAbsent("artifact", artifact, runtime);
            ManifestFields.requireAbsent("sha256", sha256, runtime);
        }
        if (runtime == ModelRuntime.JAVA) {
            if (className != null) {
                ManifestFields.requireText("className", className, "the fully qualified name of a Model implementation in the jar");
            }
        } else {
            ManifestFields.requireAbsent("className", className, runtime);
        }
        if (runtime == ModelRuntime.REMOTE_OIP) {
            if (url == null) {
                throw new IllegalArgumentException("url is missing; runtime remote-oip needs the model server's base URL, e.g. http://models:8000");
            }
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException("url is '" + url + "'; expected an http:// or https:// URL with a host");
            }
            ManifestFields.requireText("model", model, "the model's name on the remote server");
        } else {
            ManifestFields.requireAbsent("url", url, runtime);
            ManifestFields.requireAbsent("model", model, runtime);
        }
        output = output == null ? OutputMapping.none() : output;
        batching = batching == null ? Batching.defaults() : batching;
        callTimeoutMs = callTimeoutMs == null ? DEFAULT_CALL_TIMEOUT_MS : callTimeoutMs;
        if (callTimeoutMs < 1 || callTimeoutMs > MAX_CALL_TIMEOUT_MS) {
            throw new IllegalArgumentException("callTimeoutMs is " + callTimeoutMs + "; expected 1 to " + MAX_CALL_TIMEOUT_MS
                    + " milliseconds, the longest one model call may take");
        }
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

    /** The same manifest with another artifact path, e.g. resolved against the manifest's directory. */
    public ModelManifest withArtifact(Path resolved) {
        return new ModelManifest(app, name, version, role, runtime, resolved, sha256, className, url, model, input, output, batching, callTimeoutMs, lineage);
    }

    /** The same manifest with another input mapping. */
    public ModelManifest withInput(InputMapping mapping) {
        return new ModelManifest(app, name, version, role, runtime, artifact, sha256, className, url, model, mapping, output, batching, callTimeoutMs, lineage);
    }

    /** The same manifest with another output mapping. */
    public ModelManifest withOutput(OutputMapping mapping) {
        return new ModelManifest(app, name, version, role, runtime, artifact, sha256, className, url, model, input, mapping, batching, callTimeoutMs, lineage);
    }

    /** The same manifest with another call timeout. */
    public ModelManifest withCallTimeoutMs(int timeoutMs) {
        return new ModelManifest(app, name, version, role, runtime, artifact, sha256, className, url, model, input, output, batching, timeoutMs, lineage);
    }

    /** The same manifest with other batching limits. */
    public ModelManifest withBatching(Batching limits) {
        return new ModelManifest(app, name, version, role, runtime, artifact, sha256, className, url, model, input, output, limits, callTimeoutMs, lineage);
    }
}
