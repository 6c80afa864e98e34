package dev.rendezvous.archiver.cli;

import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archiver.snapshot.Retention;
import dev.rendezvous.archiver.snapshot.RetentionPolicy;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archive retention}: delete old sealed segments no snapshot needs. */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = "Delete an application's sealed segments past --max-age or beyond --max-bytes, oldest first; snapshot-referenced ones are kept.")
final class RetentionCommand implements Callable<Integer> {
    @Mixin
    ArchiveDirOption archive;
    @Spec
    CommandSpec spec;
    @Option(names = "--app", required = true)
    String app;
    @Option(names = "--max-age", description = "ISO-8601 duration, e.g. P30D")
    Duration maxAge;
    @Option(names = "--max-bytes", defaultValue = "0", description = "bytes; 0 for no size limit")
    long maxBytes;
    @Option(names = "--dry-run", description = "only report what would be deleted")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        var report = new Retention(archive.dir).apply(app, new RetentionPolicy(maxAge, maxBytes), System.currentTimeMillis(), dryRun);
        spec.commandLine().getOut().println(ManifestJson.pretty(report));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
