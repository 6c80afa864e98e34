package dev.rendezvous.archiver.cli;

import picocli.CommandLine.Option;

/** The optional {@code --app} of the commands that look a request or snapshot up in every app when it is not given. */
final class AnyAppOption {
    @Option(names = "--app", description = "the application (default: look in all)")
    String app;
}
