package dev.rendezvous.archiver.cli;

import dev.rendezvous.archiver.trace.Trace;
import dev.rendezvous.archiver.trace.TraceReader;
import dev.rendezvous.protocol.JsonCodec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archive trace}: everything archived about one request. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Show a request's exact input, every model's score or error, and the decision, as JSON; exit 1 when not found.")
final class TraceCommand implements Callable<Integer> {
    @Mixin
    ArchiveDirOption archive;
    @Spec
    CommandSpec spec;
    @Mixin
    AnyAppOption app;
    @Parameters(paramLabel = "<request-id>")
    String requestId;

    @Override
    public Integer call() throws Exception {
        TraceReader reader = new TraceReader(archive.dir);
        Optional<Trace> trace = app.app == null ? reader.trace(requestId) : reader.trace(app.app, requestId);
        if (trace.isEmpty()) {
            spec.commandLine().getErr().println("request " + requestId + " is not in the archive " + archive.dir);
            return 1;
        }
        spec.commandLine().getOut().println(JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(trace.get().toJson()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
