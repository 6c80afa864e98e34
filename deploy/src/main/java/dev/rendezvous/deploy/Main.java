package dev.rendezvous.deploy;

import dev.rendezvous.archiver.cli.ArchiveCommand;
import dev.rendezvous.deploy.cli.AppCommand;
import dev.rendezvous.deploy.cli.TopicCommand;
import dev.rendezvous.deploy.k8s.K8sCommand;
import dev.rendezvous.deploy.launch.UpCommand;
import dev.rendezvous.replay.cli.LineageCommand;
import dev.rendezvous.replay.cli.ReplayCommand;
import dev.rendezvous.runner.cli.ModelCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rendezvous} command line: {@code up} starts the platform (or some of its services),
 * {@code model} deploys and promotes model versions, {@code archive} reads the archive,
 * {@code replay} runs a snapshot through any model version, {@code lineage} trains and verifies,
 * {@code app create} adds an application to a running platform, {@code topic create} makes a
 * Kafka-native client's reply topic, {@code k8s} prints Kubernetes resources made from the platform's files.
 */
@Command(name = "rendezvous", mixinStandardHelpOptions = true, version = "rendezvous 0.1.0-SNAPSHOT",
        description = "Streaming model serving on Apache Kafka.",
        subcommands = {UpCommand.class, ModelCommand.class, AppCommand.class, TopicCommand.class, ArchiveCommand.class, ReplayCommand.class,
                LineageCommand.class, K8sCommand.class})
public final class Main {
    public static void main(String[] args) {
        String[] effective = args.length == 0 ? new String[] {"up"} : args;
        System.exit(newCommandLine().execute(effective));
    }

    /**
     * The command tree, with expected errors (a bad argument, a missing file) reported as one line on
     * stderr and exit code 1 rather than a stack trace; anything else is a bug and keeps its trace.
     */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
                commandLine.getErr().flush();
                return 1;
            }
            throw e;
        });
    }
}
