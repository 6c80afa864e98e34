package dev.rendezvous.archiver.cli;

import dev.rendezvous.archiver.sql.ArchiveSql;
import dev.rendezvous.archiver.sql.SqlLimits;
import dev.rendezvous.archiver.sql.SqlResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archive sql}: one read-only SQL query over an application's archive. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run one read-only SELECT over the views inputs, scores and decisions (and raw_inputs, raw_scores, raw_decisions: "
                + "the archive lines) of an application, live or as of a snapshot; see docs/archive.md, \"SQL\".",
                "Exit 1 with the reason when the query is refused, fails or runs out of time."})
final class SqlCommand implements Callable<Integer> {
    @Mixin
    ArchiveDirOption archive;
    @Spec
    CommandSpec spec;
    @Option(names = "--app", required = true)
    String app;
    @Option(names = "--snapshot", paramLabel = "<id>", description = "query this snapshot (its segments up to its cuts); default: everything archived, open segments included")
    String snapshotId;
    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--limit", defaultValue = "10000", description = "rows printed at most; a note on stderr says when more were cut (default: ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--timeout", defaultValue = "PT2M", description = "ISO-8601 time limit (default: ${DEFAULT-VALUE})")
    Duration timeout;
    @Parameters(paramLabel = "<sql>", description = "one SELECT (or WITH … SELECT) statement")
    String sql;

    @Override
    public Integer call() throws Exception {
        SqlOutput output = SqlOutput.parse(format);
        SqlLimits limits = SqlLimits.CLI.withMaxRows(limit).withTimeout(timeout);
        SqlResult result = new ArchiveSql(archive.dir).query(app, snapshotId, sql, limits);
        PrintWriter out = spec.commandLine().getOut();
        output.write(result, out);
        out.flush();
        if (result.truncated()) {
            spec.commandLine().getErr().println("note: more than " + limit + " rows; only the first " + limit + " are printed (--limit)");
            spec.commandLine().getErr().flush();
        }
        return 0;
    }
}
