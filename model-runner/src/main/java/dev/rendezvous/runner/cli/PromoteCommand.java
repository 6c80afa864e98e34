package dev.rendezvous.runner.cli;

import dev.rendezvous.protocol.ModelRole;
import picocli.CommandLine.Command;

/** {@code model promote}: sets a registered version's role to live; its runner keeps running, the rendezvous serves it. */
@Command(name = "promote", mixinStandardHelpOptions = true, description = "Sets a registered model version's role to live (a registry change, no restart).")
final class PromoteCommand extends RoleChangeCommand {
    @Override
    ModelRole newRole() {
        return ModelRole.LIVE;
    }
}
