package dev.rendezvous.archiver.cli;

import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archiver.snapshot.ExportFormat;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code archive export}: a snapshot's inputs as a training-data set. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a snapshot's decoy inputs as NDJSON (one request per line) or Parquet, with an export.json manifest.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    ArchiveDirOption archive;
    @Spec
    CommandSpec spec;
    @Option(names = "--snapshot", required = true, paramLabel = "<id>")
    String snapshotId;
    @Option(names = "--app", description = "the application (default: look in all)")
    String app;
    @Option(names = "--out", required = true, description = "a new or empty directory")
    Path out;
    @Option(names = "--format", defaultValue = "ndjson", description = "ndjson (exact request bytes, one per line) or parquet (typed columns "
            + "plus the exact JSON text); default: ${DEFAULT-VALUE}")
    String format;

    @Override
    public Integer call() throws Exception {
        ExportFormat exportFormat;
        try {
            exportFormat = ExportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
        }
        ExportManifest manifest = new SnapshotStore(archive.dir).export(app, snapshotId, out, exportFormat);
        spec.commandLine().getOut().println(ManifestJson.pretty(manifest));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
