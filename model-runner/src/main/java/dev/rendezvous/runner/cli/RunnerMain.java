package dev.rendezvous.runner.cli;

import picocli.CommandLine;

/**
 * The {@code model} command on its own, for a process that runs only model runners:
 * {@code RunnerMain deploy <manifest.yaml> --bootstrap-servers <servers> [--topic-prefix <p>] [--kafka-property k=v]...}
 * (also {@code list}, {@code promote}, {@code retire}).
 */
public final class RunnerMain {
    private RunnerMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelCommand()).execute(args));
    }
}
