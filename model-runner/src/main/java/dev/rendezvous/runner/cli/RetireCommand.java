package dev.rendezvous.runner.cli;

import dev.rendezvous.protocol.ModelRole;
import picocli.CommandLine.Command;

/** {@code model retire}: sets a registered version's role to retired; its runners stop consuming. */
@Command(name = "retire", mixinStandardHelpOptions = true, description = "Sets a registered model version's role to retired; its runners stop consuming cleanly.")
final class RetireCommand extends RoleChangeCommand {
    @Override
    ModelRole newRole() {
        return ModelRole.RETIRED;
    }
}
