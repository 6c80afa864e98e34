package dev.rendezvous.deploy.k8s;

import picocli.CommandLine.Command;

/** {@code rendezvous k8s}: Kubernetes resources generated from the platform's own files (docs/kubernetes.md). */
@Command(name = "k8s", mixinStandardHelpOptions = true, subcommands = RunnerCommand.class,
        description = "Kubernetes resources made from the platform's own files; apply them with kubectl (docs/kubernetes.md).")
public final class K8sCommand {
}
