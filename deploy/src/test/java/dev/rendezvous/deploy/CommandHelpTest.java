package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archiver.ArchiverMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every command and subcommand of the {@code rendezvous} launcher (and the standalone archiver)
 * answers {@code --help}: exit 0, its usage on stdout, nothing on stderr. The tree is walked, so a
 * command added later without help options fails here.
 */
class CommandHelpTest {

    @TestFactory
    Stream<DynamicTest> everyCommandOfTheLauncherAnswersHelp() {
        return helpTests(() -> new CommandLine(new Main()));
    }

    @TestFactory
    Stream<DynamicTest> everyCommandOfTheStandaloneArchiverAnswersHelp() {
        return helpTests(() -> new CommandLine(new ArchiverMain()));
    }

    @TestFactory
    Stream<DynamicTest> theWalkReachesTheNestedArchiveCommands() {
        List<String> paths = paths(new CommandLine(new Main())).stream().map(path -> String.join(" ", path)).toList();
        return Stream.of(DynamicTest.dynamicTest("archive snapshot create and archive export are walked",
                () -> assertThat(paths).contains("archive snapshot create", "archive export", "lineage train", "model deploy", "app create", "topic create")));
    }

    private static Stream<DynamicTest> helpTests(Supplier<CommandLine> root) {
        String rootName = root.get().getCommandName();
        return paths(root.get()).stream().map(path -> DynamicTest.dynamicTest(rootName + " " + String.join(" ", path) + " --help", () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = root.get();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            List<String> args = new ArrayList<>(path);
            args.add("--help");

            int exit = commandLine.execute(args.toArray(String[]::new));

            String usage = "Usage: " + String.join(" ", rootName, String.join(" ", path)).trim();
            assertThat(exit).as("exit code; stderr: %s", err).isZero();
            assertThat(out.toString()).contains(usage);
            assertThat(err.toString()).isEmpty();
        }));
    }

    /** The path of every command below (and including) the root, as the words typed after the root's name. */
    private static List<List<String>> paths(CommandLine root) {
        List<List<String>> paths = new ArrayList<>();
        collect(root, List.of(), paths);
        return paths;
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            // Aliases name the same command again; walk each command once, under its own name.
            if (name.equals(sub.getCommandName())) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                collect(sub, subPath, into);
            }
        });
    }
}
