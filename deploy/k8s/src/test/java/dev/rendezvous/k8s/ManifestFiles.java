package dev.rendezvous.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads the manifests in deploy/k8s into fabric8's typed objects (Strimzi's kinds as generic resources). */
final class ManifestFiles {
    /** Surefire and Failsafe run in the module's directory, deploy/k8s. */
    static final Path K8S = Path.of("").toAbsolutePath();
    static final Path BASE = K8S.resolve("base");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ManifestFiles() {
    }

    /** Every document of one file; empty documents (a leading comment) are skipped. */
    static List<HasMetadata> read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    static List<HasMetadata> parse(String yaml, String where) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
                    continue;
                }
                KubernetesResource resource = YAML.treeToValue(document, KubernetesResource.class);
                if (!(resource instanceof HasMetadata typed)) {
                    throw new IOException(where + ": a document of kind " + document.path("kind").asText() + " has no metadata");
                }
                resources.add(typed);
            }
        }
        return resources;
    }

    /** The files the base kustomization lists, read. */
    static List<HasMetadata> base() throws IOException {
        List<HasMetadata> all = new ArrayList<>();
        for (String file : kustomizationResources(BASE)) {
            all.addAll(read(BASE.resolve(file)));
        }
        return all;
    }

    static List<String> kustomizationResources(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        YAML.readTree(dir.resolve("kustomization.yaml").toFile()).path("resources").forEach(node -> files.add(node.asText()));
        return files;
    }

    /** {@code kubectl kustomize <overlay>}, or null when kubectl is not installed (it is not needed to build). */
    static String render(Path overlay) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            return null;
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("kubectl kustomize " + overlay + " failed: " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
