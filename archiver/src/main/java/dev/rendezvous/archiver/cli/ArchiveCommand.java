package dev.rendezvous.archiver.cli;

import dev.rendezvous.archiver.snapshot.SnapshotInUseException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code archive} command: snapshots, exports, traces, queries and retention over an archive directory. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Work with the decoy archive: snapshots, exports, forensics, SQL and retention.",
        subcommands = {SnapshotCommand.class, ExportCommand.class, TraceCommand.class, HistoryCommand.class, QueryCommand.class, SqlCommand.class,
                RetentionCommand.class,
                CommandLine.HelpCommand.class})
public class ArchiveCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** For the launcher: {@code new CommandLine(new ArchiveCommand())} or {@code addSubcommand("archive", new ArchiveCommand())}. */
    public ArchiveCommand() {
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * A command line that reports expected failures (a missing snapshot, an illegal name, a hash
     * mismatch during export, an expiry a model's lineage forbids) as one line on stderr with exit code 1, not as a stack trace.
     */
    public static CommandLine newCommandLine() {
        return new CommandLine(new ArchiveCommand()).setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof SnapshotInUseException) {
                commandLine.getErr().println("archive: " + e.getMessage());
                commandLine.getErr().flush();
                return 1;
            }
            throw e;
        });
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }
}
