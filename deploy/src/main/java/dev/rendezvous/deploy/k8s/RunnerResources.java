package dev.rendezvous.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Kubernetes resources of one model version: a ConfigMap with its manifest and artifact, a
 * Deployment whose pods run only that version, and a PodDisruptionBudget. A pure function of the
 * manifest and its bytes, so the same input always prints the same YAML (the committed runners in
 * deploy/k8s/base/runners are checked against it).
 */
public final class RunnerResources {
    /** The image the Maven build names (deploy/k8s/pom.xml {@code image.name}). */
    public static final String DEFAULT_IMAGE = "rendezvous:0.1.0-SNAPSHOT";
    /** Where the shared platform configuration (the {@code rendezvous-config} ConfigMap) is mounted. */
    public static final String CONFIG_FILE = "/etc/rendezvous/rendezvous.yaml";
    /** The management port every process serves {@code /health/*} and {@code /metrics} on. */
    public static final int MANAGEMENT_PORT = 9464;
    /** Kubernetes keeps objects in etcd, which refuses more than 1 MiB; base64 and the manifest need room. */
    static final int MAX_ARTIFACT_BYTES = 700 * 1024;
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private RunnerResources() {
    }

    /** The resource name of a model version: {@code fraud-lr@2} is {@code fraud-lr-2} (DNS-1123, at most 50 characters). */
    public static String resourceName(ModelManifest manifest) {
        String name = (manifest.name() + "-" + manifest.version()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-+", "-").replaceAll("^-|-$", "");
        if (name.isEmpty() || name.length() > 50) {
            throw new IllegalArgumentException("model " + manifest.ref() + " makes the resource name '" + name
                    + "'; expected 1-50 characters once lower-cased (the Deployment is runner-<name>-<version>)");
        }
        return name;
    }

    /**
     * @param manifestText the manifest as written (comments are not kept; its artifact is renamed to the file name)
     * @param artifact     the artifact's bytes, or null for a runtime without one (remote-oip)
     */
    public static String yaml(ModelManifest manifest, String manifestText, byte[] artifact, String image, int replicas) {
        String name = resourceName(manifest);
        ObjectNode manifestTree;
        try {
            manifestTree = (ObjectNode) YAML.readTree(manifestText);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("the manifest is not a YAML mapping: " + e.getMessage(), e);
        }
        ObjectNode configMap = resource("v1", "ConfigMap", "model-" + name, manifest);
        String manifestKey = name + ".yaml";
        if (artifact != null) {
            String artifactKey = manifest.artifact().getFileName().toString();
            if (!CONFIG_MAP_KEY.matcher(artifactKey).matches() || artifactKey.equals(manifestKey)) {
                throw new IllegalArgumentException("the artifact's file name '" + artifactKey
                        + "' cannot be a ConfigMap key; expected letters, digits, '-', '_' or '.' other than " + manifestKey);
            }
            if (artifact.length > MAX_ARTIFACT_BYTES) {
                throw new IllegalArgumentException("the artifact has " + artifact.length + " bytes; a ConfigMap holds at most "
                        + MAX_ARTIFACT_BYTES + " (etcd's 1 MiB limit, base64): bake larger models into an image built FROM the platform's, or mount a volume");
            }
            manifestTree.put("artifact", artifactKey);
            configMap.putObject("binaryData").put(artifactKey, Base64.getEncoder().encodeToString(artifact));
        }
        try {
            configMap.putObject("data").put(manifestKey, YAML.writeValueAsString(manifestTree).replaceFirst("^---\\n", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return document(configMap) + document(deployment(manifest, name, manifestKey, image, replicas)) + document(disruptionBudget(manifest, name));
    }

    private static ObjectNode deployment(ModelManifest manifest, String name, String manifestKey, String image, int replicas) {
        ObjectNode deployment = resource("apps/v1", "Deployment", "runner-" + name, manifest);
        ObjectNode spec = deployment.putObject("spec");
        spec.put("replicas", replicas);
        spec.putObject("selector").set("matchLabels", selector(name));
        ObjectNode template = spec.putObject("template");
        ObjectNode podMetadata = template.putObject("metadata");
        podMetadata.set("labels", labels(manifest, name));
        podMetadata.putObject("annotations").put("prometheus.io/scrape", "true").put("prometheus.io/port", Integer.toString(MANAGEMENT_PORT))
                .put("prometheus.io/path", "/metrics");
        ObjectNode pod = template.putObject("spec");
        // A runner that stops cleanly says "stopping" in its last heartbeat; 30 s is plenty for its last batch.
        pod.put("terminationGracePeriodSeconds", 30);
        pod.putObject("securityContext").put("runAsNonRoot", true).put("runAsUser", 65532).put("runAsGroup", 65532).put("fsGroup", 65532)
                .putObject("seccompProfile").put("type", "RuntimeDefault");
        ObjectNode container = pod.putArray("containers").addObject();
        container.put("name", "runner");
        container.put("image", image);
        ArrayNode args = container.putArray("args");
        args.add("up").add("--config").add(CONFIG_FILE).add("--set").add("services=[models]")
                .add("--set").add("models.manifests=[/models/" + manifestKey + "]");
        container.putArray("ports").addObject().put("name", "management").put("containerPort", MANAGEMENT_PORT);
        // Loading a model (ONNX Runtime's first session) and joining the group take seconds: the startup probe
        // holds liveness off for up to a minute; readiness says whether this runner owns partitions.
        container.set("startupProbe", probe("/health/live", 2, 30));
        container.set("livenessProbe", probe("/health/live", 10, 3));
        container.set("readinessProbe", probe("/health/ready", 5, 2));
        ObjectNode resources = container.putObject("resources");
        resources.putObject("requests").put("cpu", "250m").put("memory", "768Mi");
        resources.putObject("limits").put("cpu", "1").put("memory", "768Mi");
        container.putObject("securityContext").put("allowPrivilegeEscalation", false).put("readOnlyRootFilesystem", true)
                .putObject("capabilities").putArray("drop").add("ALL");
        ArrayNode mounts = container.putArray("volumeMounts");
        mounts.addObject().put("name", "config").put("mountPath", "/etc/rendezvous").put("readOnly", true);
        mounts.addObject().put("name", "model").put("mountPath", "/models").put("readOnly", true);
        mounts.addObject().put("name", "tmp").put("mountPath", "/tmp");
        ArrayNode volumes = pod.putArray("volumes");
        volumes.addObject().put("name", "config").putObject("configMap").put("name", "rendezvous-config");
        volumes.addObject().put("name", "model").putObject("configMap").put("name", "model-" + name);
        // ONNX Runtime and DuckDB unpack their native libraries into java.io.tmpdir.
        volumes.addObject().put("name", "tmp").putObject("emptyDir").put("sizeLimit", "256Mi");
        return deployment;
    }

    private static ObjectNode disruptionBudget(ModelManifest manifest, String name) {
        ObjectNode budget = resource("policy/v1", "PodDisruptionBudget", "runner-" + name, manifest);
        ObjectNode spec = budget.putObject("spec");
        spec.put("maxUnavailable", 1);
        spec.putObject("selector").set("matchLabels", selector(name));
        return budget;
    }

    private static ObjectNode probe(String path, int periodSeconds, int failureThreshold) {
        ObjectNode probe = YAML.createObjectNode();
        probe.putObject("httpGet").put("path", path).put("port", "management");
        probe.put("periodSeconds", periodSeconds).put("failureThreshold", failureThreshold).put("timeoutSeconds", 2);
        return probe;
    }

    private static ObjectNode resource(String apiVersion, String kind, String name, ModelManifest manifest) {
        ObjectNode resource = YAML.createObjectNode();
        resource.put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode metadata = resource.putObject("metadata");
        metadata.put("name", name);
        metadata.set("labels", labels(manifest, resourceName(manifest)));
        return resource;
    }

    private static ObjectNode labels(ModelManifest manifest, String name) {
        ObjectNode labels = selector(name);
        labels.put("app.kubernetes.io/name", "rendezvous");
        labels.put("rendezvous.dev/app", manifest.app());
        return labels;
    }

    private static ObjectNode selector(String name) {
        ObjectNode selector = YAML.createObjectNode();
        selector.put("app.kubernetes.io/component", "runner");
        selector.put("rendezvous.dev/model", name);
        return selector;
    }

    private static String document(JsonNode resource) {
        try {
            String text = YAML.writeValueAsString(resource);
            return text.startsWith("---") ? text : "---\n" + text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
