package dev.rendezvous.registry;

import dev.rendezvous.kafka.RegistryView;

/** The control-plane state a gateway or rendezvous instance follows: policies and the model registry. */
public record ControlPlane(PolicyStore policies, RegistryView registry, PolicyWriterClient policyWriter) {
}
