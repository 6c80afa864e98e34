package dev.rendezvous.runner.cli;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryPublisher;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/** Rewrites one registry entry with a new role; what {@code promote} and {@code retire} share. */
final class RoleChange {
    private RoleChange() {
    }

    static int apply(CommandSpec spec, KafkaSettings kafka, String app, String refText, ModelRole newRole) throws InterruptedException {
        String command = "model " + spec.name();
        ModelRef ref;
        try {
            ref = ModelRef.parse(refText);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(command + ": '" + refText + "' is not NAME@VERSION: " + e.getMessage());
            return 2;
        }
        String clientId = "model-" + spec.name() + "-" + ProcessHandle.current().pid();
        Optional<ModelRegistration> current;
        try (RegistryView view = RegistryView.start(kafka, clientId)) {
            current = view.registration(app, ref);
        }
        if (current.isEmpty()) {
            spec.commandLine().getErr().println(command + ": " + ref + " of app " + app + " is not registered; 'model list' shows what is");
            return 1;
        }
        ModelRegistration before = current.get();
        // Strictly later than the entry it replaces, so that runners tell the change from their own registration.
        long updatedAtMs = Math.max(System.currentTimeMillis(), before.updatedAtMs() + 1);
        try (RegistryPublisher publisher = new RegistryPublisher(kafka, clientId)) {
            publisher.register(before.withRole(newRole, author(), updatedAtMs));
        }
        spec.commandLine().getOut().printf("%s of app %s: %s -> %s%n", ref, app, before.role().wireName(), newRole.wireName());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code cli <user>@<host>}: who changed the role, as far as the machine knows; for the audit trail. */
    static String author() {
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return "cli " + user + "@" + host;
    }
}
