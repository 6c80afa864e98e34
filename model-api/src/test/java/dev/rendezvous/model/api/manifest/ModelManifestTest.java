package dev.rendezvous.model.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.protocol.ModelRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelManifestTest {
    private static final byte[] MODEL = "not really onnx, but bytes with a hash".getBytes(StandardCharsets.UTF_8);
    private static final String MODEL_SHA = ArtifactHash.sha256(MODEL);
    private static final String OTHER_SHA = "0".repeat(64);

    @TempDir
    Path dir;

    @BeforeEach
    void writeArtifact() throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.write(dir.resolve("models/m.onnx"), MODEL);
    }

    private static String valid() {
        return """
                app: fraud
                name: fraud-lr
                version: "2"
                runtime: onnx
                artifact: models/m.onnx
                sha256: %s
                input:
                  tensor: input
                  features: [amount, hour]
                """.formatted(MODEL_SHA);
    }

    @Test
    void loadsAMinimalManifestWithDefaultsAndResolvesTheArtifactNextToIt() throws Exception {
        ModelManifest manifest = ModelManifest.load(write(valid()));

        assertThat(manifest.ref().toString()).isEqualTo("fraud-lr@2");
        assertThat(manifest.role()).isEqualTo(ModelRole.SHADOW);
        assertThat(manifest.runtime()).isEqualTo(ModelRuntime.ONNX);
        assertThat(manifest.artifact()).isEqualTo(dir.resolve("models/m.onnx").toAbsolutePath().normalize());
        assertThat(manifest.input().features()).containsExactly("amount", "hour");
        assertThat(manifest.output().labels()).isEmpty();
        assertThat(manifest.batching()).isEqualTo(new Batching(64, 0));
        assertThat(manifest.callTimeoutMs()).isEqualTo(ModelManifest.DEFAULT_CALL_TIMEOUT_MS);
        assertThat(manifest.lineage().params()).isEmpty();
        assertThat(manifest.consumerGroup()).isEqualTo("model.fraud-lr.2");
    }

    @Test
    void loadsEveryField() throws Exception {
        ModelManifest manifest = ModelManifest.load(write(valid() + """
                role: canary
                output: { tensor: output, labels: [fraud, legit] }
                batching: { maxBatch: 8, maxWaitMs: 2 }
                callTimeoutMs: 250
                lineage:
                  trainingData: snap-7
                  rawData: raw-3
                  prepCode: git:abc
                  trainCode: git:def
                  seed: 42
                  params: { epochs: 5, optimiser: AdaGrad }
                  metrics: { auc: 0.91 }
                """));

        assertThat(manifest.role()).isEqualTo(ModelRole.CANARY);
        assertThat(manifest.output()).isEqualTo(new OutputMapping("output", List.of("fraud", "legit")));
        assertThat(manifest.batching()).isEqualTo(new Batching(8, 2));
        assertThat(manifest.callTimeoutMs()).isEqualTo(250);
        assertThat(manifest.lineage().seed()).isEqualTo(42L);
        assertThat(manifest.lineage().params()).containsEntry("epochs", "5").containsEntry("optimiser", "AdaGrad");
        assertThat(manifest.lineage().metrics()).containsEntry("auc", 0.91);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"batching: false", "batching: { enabled: false }", "batching: { enabled: false, maxWaitMs: 0 }"})
    void aManifestCanForbidBatching(String line) throws Exception {
        ModelManifest manifest = ModelManifest.load(write(valid() + line + "\n"));

        assertThat(manifest.batching()).isEqualTo(Batching.never());
        assertThat(manifest.batching().enabled()).isFalse();
        assertThat(manifest.batching().maxBatch()).isEqualTo(1);
    }

    @Test
    void batchingTrueMeansTheDefaults() throws Exception {
        assertThat(ModelManifest.load(write(valid() + "batching: true\n")).batching()).isEqualTo(Batching.defaults());
    }

    static Stream<Arguments> invalidManifests() {
        return Stream.of(
                Arguments.of("unknown top-level field", valid() + "colour: blue\n",
                        List.of("unknown field 'colour' at the top level", "expected one of", "sha256")),
                Arguments.of("unknown nested field", valid() + "lineage: { sead: 4 }\n",
                        List.of("unknown field 'sead' at lineage", "seed")),
                Arguments.of("unknown role", valid() + "role: boss\n",
                        List.of("role 'boss' is unknown", "live, shadow, canary, retired")),
                Arguments.of("unsupported runtime", valid().replace("runtime: onnx", "runtime: tensorflow"),
                        List.of("runtime 'tensorflow' is not supported", "expected one of onnx, java, remote-oip")),
                Arguments.of("missing runtime", valid().replace("runtime: onnx\n", ""),
                        List.of("runtime is missing", "onnx")),
                Arguments.of("missing artifact file", valid().replace("models/m.onnx", "models/gone.onnx"),
                        List.of("artifact", "gone.onnx", "does not exist")),
                Arguments.of("hash mismatch", valid().replace(MODEL_SHA, OTHER_SHA),
                        List.of("has SHA-256 " + MODEL_SHA, "the manifest's sha256 is " + OTHER_SHA, "refusing")),
                Arguments.of("malformed hash", valid().replace(MODEL_SHA, "abc"),
                        List.of("sha256 is 'abc'", "64 hex digits")),
                Arguments.of("batch size zero", valid() + "batching: { maxBatch: 0 }\n",
                        List.of("batching.maxBatch is 0", "expected 1 to 10000")),
                Arguments.of("batch size not a number", valid() + "batching: { maxBatch: lots }\n",
                        List.of("batching.maxBatch is 'lots'", "expected a whole number")),
                Arguments.of("batching neither a switch nor limits", valid() + "batching: maybe\n",
                        List.of("batching", "maybe")),
                Arguments.of("a batch size for a model that must not batch", valid() + "batching: { enabled: false, maxBatch: 8 }\n",
                        List.of("batching.maxBatch is 8 but batching.enabled is false")),
                Arguments.of("an unknown batching field", valid() + "batching: { maxBatchSize: 8 }\n",
                        List.of("unknown field 'maxBatchSize'", "maxBatch")),
                Arguments.of("call timeout zero", valid() + "callTimeoutMs: 0\n",
                        List.of("callTimeoutMs is 0", "expected 1 to 60000 milliseconds")),
                Arguments.of("call timeout above a minute", valid() + "callTimeoutMs: 600000\n",
                        List.of("callTimeoutMs is 600000", "expected 1 to 60000 milliseconds")),
                Arguments.of("call timeout not a number", valid() + "callTimeoutMs: 1s\n",
                        List.of("callTimeoutMs is '1s'", "expected a whole number")),
                Arguments.of("input without features", valid().replace("  features: [amount, hour]\n", ""),
                        List.of("input.features is missing", "column order")),
                Arguments.of("missing artifact field", valid().replace("artifact: models/m.onnx\n", ""),
                        List.of("artifact is missing", "runtime onnx needs the model file's path")),
                Arguments.of("missing sha256", valid().replace("sha256: " + MODEL_SHA + "\n", ""),
                        List.of("sha256 is missing", "64 hex digits")),
                Arguments.of("url for onnx", valid() + "url: http://models:8000\n",
                        List.of("url is set, but runtime onnx does not use it", "only with runtime remote-oip")),
                Arguments.of("className for onnx", valid() + "className: a.B\n",
                        List.of("className is set, but runtime onnx does not use it", "only with runtime java")),
                Arguments.of("java without artifact", valid().replace("runtime: onnx", "runtime: java").replace("artifact: models/m.onnx\n", ""),
                        List.of("artifact is missing", "runtime java needs the plug-in jar's path")),
                Arguments.of("blank className", valid().replace("runtime: onnx", "runtime: java") + "className: \" \"\n",
                        List.of("className is blank", "Model implementation")),
                Arguments.of("remote-oip without url", remote().replace("url: http://models:8000\n", ""),
                        List.of("url is missing", "runtime remote-oip needs the model server's base URL")),
                Arguments.of("remote-oip with a non-http url", remote().replace("http://models:8000", "ftp://models"),
                        List.of("url is 'ftp://models'", "http:// or https://")),
                Arguments.of("remote-oip url that is no URI", remote().replace("http://models:8000", "\"http://a b\""),
                        List.of("url is 'http://a b'", "expected a URI")),
                Arguments.of("remote-oip without model", remote().replace("model: fraud-remote\n", ""),
                        List.of("model is missing", "the model's name on the remote server")),
                Arguments.of("remote-oip with an artifact", remote() + "artifact: models/m.onnx\n",
                        List.of("artifact is set, but runtime remote-oip does not use it", "only with runtime onnx or java")),
                Arguments.of("feature listed twice", valid().replace("[amount, hour]", "[amount, hour, amount]"),
                        List.of("input.features[2] 'amount' is listed twice")),
                Arguments.of("illegal app name", valid().replace("app: fraud", "app: Fraud!"),
                        List.of("app is 'Fraud!'", "lower-case")),
                Arguments.of("illegal version", valid().replace("version: \"2\"", "version: \"2 beta\""),
                        List.of("fraud-lr@2 beta", "version")),
                Arguments.of("duplicate key", valid() + "app: other\n",
                        List.of("not valid YAML", "Duplicate field 'app'")),
                Arguments.of("empty file", "", List.of("the file is empty")));
    }

    private static String remote() {
        return """
                app: fraud
                name: fraud-remote
                version: "1"
                runtime: remote-oip
                url: http://models:8000
                model: fraud-remote
                """;
    }

    @Test
    void loadsARemoteManifestWithoutArtifactOrInputMapping() throws Exception {
        ModelManifest manifest = ModelManifest.load(write(remote()));

        assertThat(manifest.runtime()).isEqualTo(ModelRuntime.REMOTE_OIP);
        assertThat(manifest.url()).hasToString("http://models:8000");
        assertThat(manifest.model()).isEqualTo("fraud-remote");
        assertThat(manifest.artifact()).isNull();
        assertThat(manifest.input()).isNull();
    }

    @Test
    void loadsAJavaPluginManifestWithAClassName() throws Exception {
        ModelManifest manifest = ModelManifest.load(write(valid().replace("runtime: onnx", "runtime: java") + "className: com.example.Rules\n"));

        assertThat(manifest.runtime()).isEqualTo(ModelRuntime.JAVA);
        assertThat(manifest.className()).isEqualTo("com.example.Rules");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    void refusesAnInvalidManifestNamingTheProblem(String description, String yaml, List<String> messageParts) throws Exception {
        Path file = write(yaml);

        assertThatThrownBy(() -> ModelManifest.load(file))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("manifest " + file + ": ")
                .hasMessageContainingAll(messageParts.toArray(String[]::new));
    }

    @Test
    void refusesAManifestThatDoesNotExist() {
        Path file = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ModelManifest.load(file)).isInstanceOf(ManifestException.class)
                .hasMessage("manifest " + file + ": the file does not exist");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("manifest.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
