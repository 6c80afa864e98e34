package dev.rendezvous.runner.cli;

import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.ModelRegistration;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code model list}: the registry's entries with their role and whether a runner of each is alive. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered model versions with role, runtime and liveness.")
final class ListCommand implements Callable<Integer> {
    static final String FORMAT = "%-16s %-28s %-8s %-10s %-5s %s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--app", paramLabel = "APP", description = "only this application's models")
    String app;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryView view = RegistryView.start(kafka.settings(), "model-list-" + ProcessHandle.current().pid())) {
            long now = System.currentTimeMillis();
            out.printf(FORMAT, "APP", "MODEL", "ROLE", "RUNTIME", "ALIVE", "UPDATED");
            for (ModelRegistration entry : view.registrations()) {
                if (app == null || app.equals(entry.app())) {
                    out.printf(FORMAT, entry.app(), entry.ref(), entry.role().wireName(), entry.runtime(),
                            view.isAlive(entry.app(), entry.ref(), now) ? "yes" : "no", Instant.ofEpochMilli(entry.updatedAtMs()));
                }
            }
        }
        out.flush();
        return 0;
    }
}
