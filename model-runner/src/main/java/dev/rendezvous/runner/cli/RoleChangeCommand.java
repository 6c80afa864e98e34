package dev.rendezvous.runner.cli;

import dev.rendezvous.protocol.ModelRole;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The arguments and the work of a command that rewrites one version's registry role; subclasses name the role. */
abstract class RoleChangeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "APP", description = "the application")
    String app;

    @Parameters(index = "1", paramLabel = "NAME@VERSION", description = "the model version, e.g. fraud-lr@2")
    String ref;

    abstract ModelRole newRole();

    @Override
    public Integer call() throws InterruptedException {
        return RoleChange.apply(spec, kafka.settings(), app, ref, newRole());
    }
}
