package dev.rendezvous.deploy;

import dev.rendezvous.archiver.cli.ArchiveCommand;
import dev.rendezvous.deploy.launch.UpCommand;
import dev.rendezvous.replay.cli.LineageCommand;
import dev.rendezvous.replay.cli.ReplayCommand;
import dev.rendezvous.runner.cli.ModelCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rendezvous} command line: {@code up} starts the platform (or some of its services),
 * {@code model} deploys and promotes model versions, {@code archive} reads the archive,
 * {@code replay} runs a snapshot through any model version, {@code lineage} trains and verifies.
 */
@Command(name = "rendezvous", mixinStandardHelpOptions = true, version = "rendezvous 0.1.0-SNAPSHOT",
        description = "Streaming model serving on Apache Kafka.",
        subcommands = {UpCommand.class, ModelCommand.class, ArchiveCommand.class, ReplayCommand.class, LineageCommand.class})
public final class Main {
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        String[] effective = args.length == 0 ? new String[] {"up"} : args;
        System.exit(commandLine.execute(effective));
    }
}
