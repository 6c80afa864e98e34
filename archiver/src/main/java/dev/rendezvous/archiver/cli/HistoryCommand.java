package dev.rendezvous.archiver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archiver.trace.ControlHistory;
import dev.rendezvous.protocol.JsonCodec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archive history}: the control-plane history of one app, which the compacted topics forget. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show an app's archived control-plane history as JSON: every policy version (who stored it, when) and every "
                + "model registration and role change (who, when, from, to); with --policy, that version's full text. Exit 1 when not found.")
final class HistoryCommand implements Callable<Integer> {
    @Mixin
    ArchiveDirOption archive;
    @Spec
    CommandSpec spec;
    @Option(names = "--app", required = true)
    String app;
    @Option(names = "--policy", paramLabel = "<version>", description = "show this policy version's full text")
    Long policyVersion;

    @Override
    public Integer call() throws Exception {
        ControlHistory history = new ControlHistory(archive.dir);
        JsonNode shown;
        if (policyVersion != null) {
            Optional<ControlHistory.PolicyVersion> version = history.policy(app, policyVersion);
            if (version.isEmpty()) {
                spec.commandLine().getErr().println("policy version " + policyVersion + " of app " + app + " is not in the archive " + archive.dir);
                return 1;
            }
            shown = version.get().toJson();
        } else {
            shown = history.historyJson(app);
        }
        spec.commandLine().getOut().println(JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(shown));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
