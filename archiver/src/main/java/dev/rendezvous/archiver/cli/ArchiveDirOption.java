package dev.rendezvous.archiver.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --dir} option every archive command takes. */
final class ArchiveDirOption {
    @Option(names = "--dir", defaultValue = "./data/archive", description = "archive directory (default: ${DEFAULT-VALUE})")
    Path dir;
}
