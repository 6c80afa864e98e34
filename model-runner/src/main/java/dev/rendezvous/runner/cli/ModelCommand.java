package dev.rendezvous.runner.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code model} command: deploy a model version from its manifest, list the registry, promote or
 * retire a version. Promotion and retirement change the registry; runners follow it without a restart.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Deploys, lists, promotes and retires model versions.",
        subcommands = {DeployCommand.class, ListCommand.class, PromoteCommand.class, RetireCommand.class})
public final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public ModelCommand() {
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
