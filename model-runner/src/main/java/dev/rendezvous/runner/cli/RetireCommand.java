package dev.rendezvous.runner.cli;

import dev.rendezvous.protocol.ModelRole;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model retire}: sets a registered version's role to retired; its runners stop consuming. */
@Command(name = "retire", mixinStandardHelpOptions = true, description = "Sets a registered model version's role to retired; its runners stop consuming cleanly.")
final class RetireCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "APP", description = "the application")
    String app;

    @Parameters(index = "1", paramLabel = "NAME@VERSION", description = "the model version, e.g. fraud-lr@2")
    String ref;

    @Override
    public Integer call() throws InterruptedException {
        return RoleChange.apply(spec, kafka.settings(), app, ref, ModelRole.RETIRED);
    }
}
