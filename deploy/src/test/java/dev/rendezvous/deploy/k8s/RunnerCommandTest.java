package dev.rendezvous.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rendezvous.deploy.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rendezvous k8s runner}: what it prints for a manifest, and what it refuses, with the reason. */
class RunnerCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path onnxManifest(String name, String version, byte[] artifact, String sha256) throws Exception {
        Files.createDirectories(dir.resolve("artifacts"));
        Files.write(dir.resolve("artifacts").resolve(name + ".onnx"), artifact);
        return Files.writeString(dir.resolve(name + ".yaml"), "app: fraud\nname: " + name + "\nversion: \"" + version + "\"\nruntime: onnx\n"
                + "artifact: artifacts/" + name + ".onnx\nsha256: " + sha256 + "\n");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void printsAConfigMapWithTheArtifactNextToTheManifestADeploymentAndABudget() throws Exception {
        byte[] artifact = "not really onnx, but hashed".getBytes();
        Path manifest = onnxManifest("Fraud_LR", "V2", artifact, sha256(artifact));
        assertThat(run("k8s", "runner", manifest.toString(), "--replicas", "2", "--image", "registry.example.com/rendezvous:1")).as(err.toString()).isZero();
        List<JsonNode> documents;
        try (MappingIterator<JsonNode> read = new YAMLMapper().readerFor(JsonNode.class).readValues(out.toString())) {
            documents = read.readAll();
        }
        assertThat(documents).extracting(d -> d.path("kind").asText()).containsExactly("ConfigMap", "Deployment", "PodDisruptionBudget");
        JsonNode configMap = documents.get(0);
        assertThat(configMap.path("metadata").path("name").asText()).isEqualTo("model-fraud-lr-v2");
        assertThat(configMap.path("binaryData").path("Fraud_LR.onnx").asText()).isEqualTo(java.util.Base64.getEncoder().encodeToString(artifact));
        // The artifact was in a subdirectory; in the ConfigMap it sits next to the manifest, which says so.
        assertThat(configMap.path("data").path("fraud-lr-v2.yaml").asText()).contains("artifact: Fraud_LR.onnx").doesNotContain("artifacts/");
        JsonNode deployment = documents.get(1);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("registry.example.com/rendezvous:1");
        assertThat(container.path("args").toString()).contains("services=[models]", "models.manifests=[/models/fraud-lr-v2.yaml]");
    }

    @Test
    void refusesAnArtifactWhoseHashIsNotTheManifests() throws Exception {
        Path manifest = onnxManifest("fraud-lr", "3", "bytes".getBytes(), "0".repeat(64));
        assertThat(run("k8s", "runner", manifest.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("k8s runner: ").contains("sha256");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void refusesAnArtifactTooLargeForAConfigMapAndSaysWhatToDoInstead() throws Exception {
        byte[] artifact = new byte[RunnerResources.MAX_ARTIFACT_BYTES + 1];
        new Random(7).nextBytes(artifact);
        Path manifest = onnxManifest("fraud-big", "1", artifact, sha256(artifact));
        assertThat(run("k8s", "runner", manifest.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("the artifact has " + artifact.length + " bytes").contains("bake larger models into an image");
    }

    @Test
    void aRemoteModelNeedsNoArtifact() throws Exception {
        Path manifest = Files.writeString(dir.resolve("remote.yaml"),
                "app: fraud\nname: fraud-xgb\nversion: \"4\"\nruntime: remote-oip\nurl: http://triton.models:8000\nmodel: fraud_xgb\n");
        assertThat(run("k8s", "runner", manifest.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).doesNotContain("binaryData").contains("fraud-xgb-4.yaml: |");
    }

    @Test
    void refusesNoReplicas() throws Exception {
        byte[] artifact = "x".getBytes();
        Path manifest = onnxManifest("fraud-lr", "4", artifact, sha256(artifact));
        assertThat(run("k8s", "runner", manifest.toString(), "--replicas", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("--replicas 0; expected at least 1");
    }
}
