package dev.rendezvous.archiver.cli;

import dev.rendezvous.archiver.trace.Query;
import dev.rendezvous.archiver.trace.QueryReader;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code archive query}: stream archive lines of a time window as NDJSON. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Stream the archive lines of one kind in [--from, --to) as NDJSON to stdout.")
final class QueryCommand implements Callable<Integer> {
    @Mixin
    ArchiveDirOption archive;
    @Option(names = "--app", required = true)
    String app;
    @Option(names = "--from", required = true, converter = TimeConverter.class, description = "now, epoch ms or ISO-8601")
    Long fromMs;
    @Option(names = "--to", converter = TimeConverter.class, defaultValue = "now", description = "now, epoch ms or ISO-8601 (default: now)")
    Long toMs;
    @Option(names = "--kind", defaultValue = "results", description = "decoy, scores or results (default: ${DEFAULT-VALUE})")
    String kind;
    @Option(names = "--model", description = "only records whose value names this model")
    String model;
    @Option(names = "--reason", description = "only decisions with this reason")
    String reason;

    @Override
    public Integer call() throws Exception {
        // Straight to stdout, not through picocli's writer: a query can stream gigabytes.
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        new QueryReader(archive.dir).query(new Query(app, kind, fromMs, toMs, model, reason), out);
        return 0;
    }
}
