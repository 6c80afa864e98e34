package dev.rendezvous.archiver.cli;

import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archive.format.snapshot.SnapshotSummary;
import dev.rendezvous.archive.format.snapshot.VerifyReport;
import dev.rendezvous.archiver.snapshot.SnapshotExpiry;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archive snapshot create|list|show|verify|expire}. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Create, list, show, verify and expire snapshots.",
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class, SnapshotCommand.Show.class, SnapshotCommand.Verify.class,
                SnapshotCommand.Expire.class})
final class SnapshotCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Seal the open segments (via the running archiver) and snapshot every sealed segment.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ArchiveDirOption archive;
        @Spec
        CommandSpec spec;
        @Option(names = "--app", required = true)
        String app;
        @Option(names = "--until", converter = TimeConverter.class, description = "leave out records after this time: now, epoch ms or ISO-8601 (default: now)")
        Long untilMs;
        @Option(names = "--label")
        String label;
        @Option(names = "--name", description = "a stable name to find it by (snapshots/names/<name>); letters, digits, '.', '_', '-'")
        String name;
        @Option(names = "--seal-timeout", defaultValue = "PT30S", description = "how long to wait for the archiver to seal open segments (default: ${DEFAULT-VALUE})")
        Duration sealTimeout;

        @Override
        public Integer call() throws Exception {
            SnapshotStore.Created created = new SnapshotStore(archive.dir).create(app, untilMs, label, sealTimeout, name);
            PrintWriter out = spec.commandLine().getOut();
            out.println(created.id());
            if (created.openSegmentsLeftOut() > 0) {
                spec.commandLine().getErr().println("warning: " + created.openSegmentsLeftOut()
                        + " open segments were not sealed in time (is the archiver running?); the snapshot covers sealed data only");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the snapshots of an application.")
    static final class ListSnapshots implements Callable<Integer> {
        @Mixin
        ArchiveDirOption archive;
        @Spec
        CommandSpec spec;
        @Option(names = "--app", required = true)
        String app;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            SnapshotStore store = new SnapshotStore(archive.dir);
            Map<String, List<String>> namesById = new TreeMap<>();
            store.names(app).forEach((name, id) -> namesById.computeIfAbsent(id, k -> new ArrayList<>()).add(name));
            for (SnapshotSummary s : store.list(app)) {
                List<String> names = namesById.getOrDefault(s.id(), List.of());
                out.printf("%s  %s  %d segments  %d bytes  %s%s%n", s.id(), Instant.ofEpochMilli(s.createdAtMs()), s.segments(), s.bytes(),
                        s.label() == null ? "" : s.label(), names.isEmpty() ? "" : "  [" + String.join(", ", names) + "]");
            }
            out.flush();
            return 0;
        }
    }

    /** What {@code show} and {@code verify} share: a snapshot named by id, looked up in one app or all, printed as JSON. */
    abstract static class SnapshotIdCommand implements Callable<Integer> {
        @Mixin
        ArchiveDirOption archive;
        @Mixin
        AnyAppOption app;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "<id>")
        String id;

        SnapshotStore store() {
            return new SnapshotStore(archive.dir);
        }

        void printJson(Object value) {
            SnapshotCommand.printJson(spec, value);
        }
    }

    /** A result as the snapshot commands print it: pretty JSON on the command's standard output. */
    static void printJson(CommandSpec spec, Object value) {
        spec.commandLine().getOut().println(ManifestJson.pretty(value));
        spec.commandLine().getOut().flush();
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a snapshot's manifest.")
    static final class Show extends SnapshotIdCommand {
        @Override
        public Integer call() throws Exception {
            printJson(store().show(app.app, id));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-hash every segment of a snapshot; exit 1 on any mismatch.")
    static final class Verify extends SnapshotIdCommand {
        @Override
        public Integer call() throws Exception {
            VerifyReport report = store().verify(app.app, id);
            printJson(report);
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = "Remove a snapshot (its manifest and names; segments stay until retention). Refused, nothing deleted, when a model's lineage names it.")
    static final class Expire implements Callable<Integer> {
        @Mixin
        ArchiveDirOption archive;
        @Spec
        CommandSpec spec;
        @Option(names = "--app", required = true)
        String app;
        @Option(names = "--dry-run", description = "only report what would be removed")
        boolean dryRun;
        @Parameters(paramLabel = "<id or name>")
        String snapshot;

        @Override
        public Integer call() throws Exception {
            printJson(spec, new SnapshotExpiry(archive.dir).expire(app, snapshot, dryRun));
            return 0;
        }
    }
}
