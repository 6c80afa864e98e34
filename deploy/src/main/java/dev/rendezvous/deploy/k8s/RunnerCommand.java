package dev.rendezvous.deploy.k8s;

import dev.rendezvous.model.api.manifest.ManifestException;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rendezvous k8s runner MANIFEST}: one model version's ConfigMap and Deployment, on stdout. */
@Command(name = "runner", mixinStandardHelpOptions = true,
        description = {"Prints the Kubernetes resources that run one model version in pods of its own: a ConfigMap holding the manifest",
                "and its artifact (checked against the manifest's sha256 first), a Deployment whose pods run",
                "'up --set services=[models]' on it, and a PodDisruptionBudget. Pipe it into kubectl apply -f - or save it",
                "next to the kustomization."})
final class RunnerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MANIFEST", description = "the model's manifest (YAML); its artifact is read next to it")
    Path manifestFile;

    @Option(names = "--image", description = "the platform image (default: ${DEFAULT-VALUE}; a kustomization's images: entry rewrites it)")
    String image = RunnerResources.DEFAULT_IMAGE;

    @Option(names = "--replicas", description = "runner pods of this version; they share its requests' partitions (default: ${DEFAULT-VALUE})")
    int replicas = 1;

    @Override
    public Integer call() throws IOException {
        ModelManifest manifest;
        try {
            manifest = ModelManifest.load(manifestFile);
        } catch (ManifestException e) {
            spec.commandLine().getErr().println("k8s runner: " + e.getMessage());
            return 1;
        }
        if (replicas < 1) {
            spec.commandLine().getErr().println("k8s runner: --replicas " + replicas + "; expected at least 1");
            return 1;
        }
        byte[] artifact = manifest.artifact() == null ? null : Files.readAllBytes(manifest.artifact());
        String yaml;
        try {
            yaml = RunnerResources.yaml(manifest, Files.readString(manifestFile), artifact, image, replicas);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("k8s runner: " + manifestFile + ": " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(yaml);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
