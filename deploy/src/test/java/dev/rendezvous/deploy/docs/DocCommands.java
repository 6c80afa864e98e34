package dev.rendezvous.deploy.docs;

import dev.rendezvous.deploy.Main;
import dev.rendezvous.deploy.docs.LauncherInvocations.Form;
import dev.rendezvous.deploy.docs.LauncherInvocations.Found;
import dev.rendezvous.deploy.docs.LauncherInvocations.Invocation;
import dev.rendezvous.deploy.docs.MarkdownFences.Fence;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks every launcher command in the fenced blocks of one markdown file against {@link Main#newCommandLine()}. */
final class DocCommands {
    /**
     * What was found in one file.
     *
     * @param invocations every launcher command found, as {@code line N: rendezvous …}
     * @param problems    every mistake, as {@code file:N: …}
     */
    record Report(List<String> invocations, List<String> problems) {
    }

    private DocCommands() {
    }

    static Report check(String file, String markdown) {
        Set<String> topLevel = Main.newCommandLine().getSubcommands().keySet();
        Found found = new Found();
        for (Fence fence : MarkdownFences.of(markdown)) {
            LauncherInvocations.collect(fence, topLevel, found);
        }
        List<String> problems = new ArrayList<>();
        found.problems().forEach(problem -> problems.add(located(file, problem)));
        CommandTreeCheck tree = new CommandTreeCheck(Main::newCommandLine);
        List<String> invocations = new ArrayList<>();
        int firstAlias = found.aliasLines().stream().mapToInt(Integer::intValue).min().orElse(Integer.MAX_VALUE);
        for (Invocation invocation : found.invocations()) {
            invocations.add("line " + invocation.line() + ": " + invocation.text());
            if (invocation.form() == Form.ALIAS && invocation.line() < firstAlias) {
                // There is no rendezvous executable: a reader who copies the line needs the alias first.
                problems.add(file + ":" + invocation.line() + ": `" + invocation.text() + "` uses the alias rendezvous, which this file does not "
                        + "define before it (alias rendezvous='java -jar deploy/target/" + LauncherInvocations.LAUNCHER_JAR + "')");
            }
            tree.problems(invocation).forEach(problem -> problems.add(located(file, problem)));
        }
        return new Report(invocations, problems);
    }

    /** {@code line 12: …} as {@code docs/x.md:12: …}, the form editors and CI logs link to. */
    private static String located(String file, String problem) {
        return file + ":" + problem.substring("line ".length());
    }
}
