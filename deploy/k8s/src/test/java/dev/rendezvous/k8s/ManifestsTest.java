package dev.rendezvous.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.k8s.RunnerResources;
import dev.rendezvous.model.api.manifest.ModelManifest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests in deploy/k8s, read into fabric8's typed objects, agree with the code they run
 * ({@link ManifestChecks}); the second half shows the checks catch what they should.
 */
class ManifestsTest {
    @TempDir
    Path scratch;

    /** The demo models, trained once for every runner compared (seeded: the same bytes every time). */
    @TempDir
    static Path demoModels;

    @Test
    void theBaseAgreesWithTheCode() throws IOException {
        List<HasMetadata> base = ManifestFiles.base();
        assertThat(base).extracting(HasMetadata::getKind).contains("Kafka", "KafkaNodePool", "KafkaTopic", "StatefulSet", "Deployment",
                "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap");
        assertThat(ManifestChecks.check(base, scratch)).isEmpty();
    }

    @Test
    void everyFileOfTheBaseIsInItsKustomization() throws IOException {
        List<String> listed = ManifestFiles.kustomizationResources(ManifestFiles.BASE);
        try (Stream<Path> files = Files.walk(ManifestFiles.BASE)) {
            List<String> present = files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml"))
                    .map(f -> ManifestFiles.BASE.relativize(f).toString()).toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
        }
    }

    @Test
    void theServicesEachRunInPodsOfTheirOwnWithTwoRendezvous() throws IOException {
        List<HasMetadata> base = ManifestFiles.base();
        assertThat(base).filteredOn(r -> r instanceof Deployment d && d.getMetadata().getName().equals("rendezvous"))
                .singleElement().satisfies(r -> assertThat(((Deployment) r).getSpec().getReplicas()).isGreaterThanOrEqualTo(2));
        assertThat(base).filteredOn(r -> r instanceof StatefulSet s && s.getMetadata().getName().equals("archiver"))
                .singleElement().satisfies(r -> assertThat(((StatefulSet) r).getSpec().getVolumeClaimTemplates()).hasSize(1));
        assertThat(base).filteredOn(r -> r instanceof Deployment || r instanceof StatefulSet).extracting(r -> r.getMetadata().getName())
                .containsExactlyInAnyOrder("gateway", "rendezvous", "standby", "decoy", "archiver", "analytics", "runner-fraud-fm-1",
                        "runner-fraud-lr-1");
    }

    /** Rendered overlays are checked the same way where kubectl is installed (the build does not need it). */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachRenderedOverlayAgreesWithTheCode(String overlay) throws Exception {
        String rendered = ManifestFiles.render(ManifestFiles.K8S.resolve("overlays").resolve(overlay));
        Assumptions.assumeTrue(rendered != null, "kubectl is not installed");
        List<HasMetadata> resources = ManifestFiles.parse(rendered, overlay);
        assertThat(ManifestChecks.check(resources, scratch)).isEmpty();
        if (overlay.equals("dev")) {
            assertThat(resources).extracting(HasMetadata::getKind).contains("Secret");
        }
    }

    /**
     * The committed runner Deployments are what {@code rendezvous k8s runner} prints for the demo models
     * of today: a change to the demo training, or to the generator, fails here until they are regenerated.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fraud-fm-1", "fraud-lr-1"})
    void theCommittedRunnersAreWhatTheGeneratorPrints(String model) throws IOException {
        Path dir = demoModels;
        DemoModels.ensure(dir);   // trains on the first call, then finds them current
        Path manifestFile = dir.resolve(model + ".yaml");
        ModelManifest manifest = ModelManifest.load(manifestFile);
        String generated = RunnerResources.yaml(manifest, Files.readString(manifestFile), Files.readAllBytes(manifest.artifact()),
                RunnerResources.DEFAULT_IMAGE, 1);
        String committed = Files.readString(ManifestFiles.BASE.resolve("runners").resolve(model + ".yaml"));
        assertThat(committed.substring(committed.indexOf('\n') + 1))
                .as("deploy/k8s/base/runners/%s.yaml; regenerate: java -jar deploy/target/rendezvous.jar k8s runner data/models/%s.yaml", model, model)
                .isEqualTo(generated);
    }

    @SuppressWarnings("unchecked")   // a KafkaTopic's spec is a generic map
    static Stream<Arguments> breakages() {
        return Stream.of(
                Arguments.of("a readiness probe on a path nobody serves", (Consumer<List<HasMetadata>>) r ->
                        deployment(r, "rendezvous").getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().setPath("/ready"),
                        "readiness probe path /ready"),
                Arguments.of("a probe on the gateway port of a process without a gateway", (Consumer<List<HasMetadata>>) r ->
                        deployment(r, "decoy").getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(9465),
                        "container port 'management' is 9465"),
                Arguments.of("a misspelt configuration key", (Consumer<List<HasMetadata>>) r ->
                        deployment(r, "decoy").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().addAll(List.of("--set", "managment.port=1")),
                        "managment"),
                Arguments.of("a service that does not exist", (Consumer<List<HasMetadata>>) r ->
                        deployment(r, "decoy").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().set(4, "services=[decoys]"),
                        "Deployment/decoy: its configuration is refused"),
                Arguments.of("analytics' state directory on the read-only root file system", (Consumer<List<HasMetadata>>) r ->
                        deployment(r, "analytics").getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts()
                                .removeIf(m -> m.getName().equals("state")),
                        "Deployment/analytics: analytics.stateDir /var/lib/rendezvous/analytics is not on a volume"),
                Arguments.of("another image", (Consumer<List<HasMetadata>>) r ->
                        deployment(r, "decoy").getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.27"),
                        "image 'nginx:1.27'"),
                Arguments.of("a topic with other partitions than TopicLayout's", (Consumer<List<HasMetadata>>) r ->
                        topicSpec(r, "fraud.scores").put("partitions", 6),
                        "KafkaTopic/fraud.scores: 6 partitions"),
                Arguments.of("a scores topic without broker time stamps", (Consumer<List<HasMetadata>>) r ->
                        ((Map<String, Object>) topicSpec(r, "fraud.scores").get("config")).remove("message.timestamp.type"),
                        "KafkaTopic/fraud.scores"),
                Arguments.of("a runner whose artifact is not the manifest's", (Consumer<List<HasMetadata>>) r ->
                        r.stream().filter(x -> x instanceof io.fabric8.kubernetes.api.model.ConfigMap c && c.getMetadata().getName().equals("model-fraud-lr-1"))
                                .map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast).findFirst().orElseThrow()
                                .getBinaryData().put("fraud-lr-1.onnx", "AAAA"),
                        "sha256"),
                Arguments.of("a network policy opening the rendezvous to everyone", (Consumer<List<HasMetadata>>) r ->
                        r.stream().filter(x -> x instanceof io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy p && p.getMetadata().getName().equals("gateway-from-anywhere"))
                                .map(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class::cast).findFirst().orElseThrow()
                                .getSpec().getPodSelector().setMatchLabels(Map.of("app.kubernetes.io/component", "rendezvous")),
                        "lets anyone reach Deployment/rendezvous"),
                Arguments.of("two rendezvous without a disruption budget", (Consumer<List<HasMetadata>>) r ->
                        r.removeIf(x -> x instanceof io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget b && b.getMetadata().getName().equals("rendezvous")),
                        "Deployment/rendezvous: 2 replicas and no PodDisruptionBudget"),
                Arguments.of("an archive on a scratch volume", (Consumer<List<HasMetadata>>) r ->
                        r.stream().filter(x -> x instanceof StatefulSet s && s.getMetadata().getName().equals("archiver")).map(StatefulSet.class::cast)
                                .findFirst().orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().addAll(List.of("--set", "archive.dir=/tmp/archive")),
                        "is not on a persistent volume"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void catches(String what, Consumer<List<HasMetadata>> breakage, String expectedProblem) throws IOException {
        List<HasMetadata> base = ManifestFiles.base();
        breakage.accept(base);
        assertThat(ManifestChecks.check(base, scratch)).as(what).anySatisfy(problem -> assertThat(problem).contains(expectedProblem));
    }

    private static Deployment deployment(List<HasMetadata> resources, String name) {
        return resources.stream().filter(r -> r instanceof Deployment d && d.getMetadata().getName().equals(name)).map(Deployment.class::cast)
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> topicSpec(List<HasMetadata> resources, String name) {
        GenericKubernetesResource topic = resources.stream().filter(r -> r instanceof GenericKubernetesResource g && g.getKind().equals("KafkaTopic")
                && g.getMetadata().getName().equals(name)).map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        return (Map<String, Object>) topic.getAdditionalProperties().get("spec");
    }
}
