package dev.rendezvous.deploy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every launcher command in the fenced blocks of README.md and docs/**.md names a real subcommand
 * and real options of {@code Main.newCommandLine()}, and parses.
 *
 * <p>Commands are found in ```bash/sh/shell/zsh/console and unlabeled blocks ({@link LauncherInvocations}),
 * read the way the shell reads them ({@link ShellWords}). Each is then walked down the picocli tree
 * for its names, and a command written out in full is also parsed for real with picocli's
 * {@code parseArgs}, so that a required option left out or a value of the wrong type fails here too.
 * Parsing is only done where it cannot fail falsely: placeholders ({@code <id>}, {@code $SNAP}) are
 * replaced by a value of the type the option expects, and usage lines ({@code [--app A]}) or commands
 * with a part left out ({@code …}) are checked for names only ({@link CommandTreeCheck}).
 *
 * <p>The second half shows, on small inline documents, that the checker catches what it should and
 * accepts what is right.
 */
class DocsCommandsTest {
    /** Surefire runs in the module's directory; the docs are at the repository root above it. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String JAR = "java -jar deploy/target/rendezvous.jar";

    @TestFactory
    Stream<DynamicTest> everyLauncherCommandInTheDocsIsReal() throws IOException {
        return markdownFiles().stream().map(file -> DynamicTest.dynamicTest(ROOT.relativize(file).toString(), () -> {
            assertThat(check(file).problems()).as("launcher commands in %s", file).isEmpty();
        }));
    }

    @Test
    void findsTheLauncherCommandsOfTheDocs() throws IOException {
        assertThat(Files.readString(ROOT.resolve("deploy/pom.xml"))).as("the jar name the checker expects")
                .contains("<finalName>rendezvous</finalName>");
        assertThat(commands(ROOT.resolve("README.md"))).contains(JAR + " archive trace <request-id> --app fraud");
        assertThat(commands(ROOT.resolve("docs/lineage.md"))).contains(
                "rendezvous archive snapshot create --dir data/archive --app fraud --label \"lineage tutorial\"",
                "rendezvous archive export --dir data/archive --snapshot $SNAP --out data/exports/$SNAP");
        assertThat(commands(ROOT.resolve("docs/archive.md"))).contains("rendezvous archive snapshot verify --dir data/archive [--app fraud] <id>");
        long all = 0;
        for (Path file : markdownFiles()) {
            all += check(file).invocations().size();
        }
        assertThat(all).as("launcher commands in all docs").isGreaterThan(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void reportsAMistake(String what, String markdown, String expected) {
        DocCommands.Report report = DocCommands.check("doc.md", markdown);

        assertThat(report.problems()).as(what).anySatisfy(problem -> assertThat(problem).contains(expected));
    }

    static Stream<Arguments> reportsAMistake() {
        return Stream.of(
                Arguments.of("a made-up option", bash(JAR + " archive trace --bogus r-1"),
                        "doc.md:2: `rendezvous archive trace` has no option --bogus"),
                Arguments.of("a made-up option through the alias", bash("alias rendezvous='" + JAR + "'", "rendezvous archive trace --bogus"),
                        "doc.md:3: `rendezvous archive trace` has no option --bogus"),
                Arguments.of("a made-up subcommand", bash(JAR + " archive snapshott create --app fraud"),
                        "doc.md:2: `rendezvous archive` has no subcommand snapshott"),
                Arguments.of("a made-up top-level command", bash(JAR + " deploy model.yaml"), "doc.md:2: `rendezvous` has no subcommand deploy"),
                Arguments.of("inside $(…)", bash("SNAP=$(" + JAR + " archive snapshot create --app fraud --lable x)"),
                        "doc.md:2: `rendezvous archive snapshot create` has no option --lable"),
                Arguments.of("on a continuation line", bash(JAR + " replay --snapshot s \\", "    --modle m.yaml --out o"),
                        "doc.md:3: `rendezvous replay` has no option --modle"),
                Arguments.of("after && and before a pipe", bash("mvn -q package && " + JAR + " model list --bootstrap-servers h:9092 --ap fraud | sort"),
                        "doc.md:2: `rendezvous model list` has no option --ap"),
                Arguments.of("behind an assignment and xargs", bash("jq -r .id r.json | JDK_JAVA_OPTIONS=-Xmx1g xargs -n1 " + JAR + " archive trace --dri d"),
                        "doc.md:2: `rendezvous archive trace` has no option --dri"),
                Arguments.of("in bash -c", bash("seq 3 | xargs -I{} bash -c '" + JAR + " up --prot 8081'"), "doc.md:2: `rendezvous up` has no option --prot"),
                Arguments.of("in a usage line of an unlabeled block", fence("", "archive snapshot show --dir data/archive [--ap fraud] <id>"),
                        "doc.md:2: `rendezvous archive snapshot show` has no option --ap"),
                Arguments.of("an elision does not hide what follows it", bash(JAR + " model deploy m.yaml … --bogus"),
                        "doc.md:2: `rendezvous model deploy` has no option --bogus"),
                Arguments.of("a required option left out", bash(JAR + " replay --snapshot s --out o"),
                        "doc.md:2: `" + JAR + " replay --snapshot s --out o` does not parse: Missing required option: '--model=<manifest>'"),
                Arguments.of("a value of the wrong type", bash(JAR + " lineage train --export e --like l.yaml --name n --version 2 --seed two --out o"),
                        "'two' is not a long"),
                Arguments.of("an argument no command takes", bash(JAR + " up extra"), "does not parse: Unmatched argument at index 1: 'extra'"),
                Arguments.of("the alias used but never defined", bash("rendezvous up"), "doc.md:2: `rendezvous up` uses the alias rendezvous, which this file does not define"),
                Arguments.of("an alias for something else", bash("alias rendezvous='java -jar deploy/target/deploy.jar'"),
                        "doc.md:2: java -jar deploy/target/deploy.jar: deploy builds target/rendezvous.jar"),
                Arguments.of("a shell block that is not shell", bash(JAR + " up --config 'x.yaml"), "doc.md:2: a ```bash block is not valid shell: unclosed ' quote"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void acceptsWhatIsRight(String what, String markdown, int commands) {
        DocCommands.Report report = DocCommands.check("doc.md", markdown);

        assertThat(report.problems()).as(what).isEmpty();
        assertThat(report.invocations()).as(what).hasSize(commands);
    }

    static Stream<Arguments> acceptsWhatIsRight() {
        return Stream.of(
                Arguments.of("placeholders", bash(JAR + " archive trace <request-id> --app fraud"), 1),
                Arguments.of("a placeholder where a number goes", bash(JAR + " lineage train --export \"$EXPORT\" --like l.yaml --name n --version 2 "
                        + "--seed $SEED --out o"), 1),
                Arguments.of("quoted values and substitutions", bash(JAR + " up --set 'models.manifests=[/m.yaml]' --set gateway.instanceId=gw-$(hostname)"), 1),
                Arguments.of("a comment", bash(JAR + " up   # not --bogus"), 1),
                Arguments.of("a here-document", bash("cat <<'EOF'", JAR + " up --bogus", "EOF", JAR + " up"), 1),
                Arguments.of("inside a string", bash("echo \"" + JAR + " up --bogus\"; " + JAR + " up"), 1),
                Arguments.of("help", bash(JAR + " archive snapshot create --help"), 1),
                Arguments.of("the alias, defined first", bash("alias rendezvous='" + JAR + "'", "rendezvous model list --bootstrap-servers h:9092"), 1),
                Arguments.of("java flags and the environment", bash("JDK_JAVA_OPTIONS=\"-XX:TieredStopAtLevel=1\" java -Xmx1g -jar /opt/rendezvous.jar up --port 8081"), 1),
                Arguments.of("an elided part", bash(JAR + " model deploy m.yaml …"), 1),
                Arguments.of("usage lines: any subcommand, a redirection", fence("", "model … --bootstrap-servers h:9092", "up 2>>rendezvous.log"), 2),
                Arguments.of("a usage line", fence("", "archive snapshot create --dir d --app fraud [--until 2025-01-31T00:00:00Z|now|<epoch ms>] [--label L]"), 1),
                Arguments.of("other languages and other jars", fence("json", "{\"run\": \"" + JAR + " --bogus\"}")
                        + bash("java -jar bench/target/rendezvous-bench.jar run --quick"), 0));
    }

    /** The launcher commands found in a file, without their line numbers (which move as the docs are edited). */
    private static List<String> commands(Path file) throws IOException {
        return check(file).invocations().stream().map(line -> line.substring(line.indexOf(": ") + 2)).toList();
    }

    private static DocCommands.Report check(Path file) throws IOException {
        return DocCommands.check(ROOT.relativize(file).toString(), Files.readString(file));
    }

    static List<Path> markdownFiles() throws IOException {
        assertThat(ROOT.resolve("pom.xml")).as("repository root").exists();
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            return Stream.concat(Stream.of(ROOT.resolve("README.md")), docs.filter(p -> p.toString().endsWith(".md")).sorted()).toList();
        }
    }

    /** A ```bash block whose first line is line 2 of the document. */
    private static String bash(String... lines) {
        return fence("bash", lines);
    }

    private static String fence(String label, String... lines) {
        return "```" + label + "\n" + String.join("\n", lines) + "\n```\n";
    }
}
