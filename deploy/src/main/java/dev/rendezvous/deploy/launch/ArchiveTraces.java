package dev.rendezvous.deploy.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archiver.snapshot.ExportFormat;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.archiver.sql.ArchiveSql;
import dev.rendezvous.archiver.sql.SqlLimits;
import dev.rendezvous.archiver.trace.ControlHistory;
import dev.rendezvous.archiver.trace.Trace;
import dev.rendezvous.archiver.trace.TraceReader;
import dev.rendezvous.gateway.TraceLookup;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * Forensics for the admin API: the archive's trace of a request (exact input with its hash check,
 * every model's answer, the decision, the policy text that decided and the served model's registry
 * entry as it was then) plus the served model's entry in the registry now, labelled as such, so that
 * a later promotion or retirement is visible beside what was in force. The control-plane history
 * (policy versions, role changes) comes from the archive too, and SQL over the archive
 * ({@link ArchiveSql}) within {@link #HTTP_LIMITS}.
 */
final class ArchiveTraces implements TraceLookup {
    /** An HTTP caller gets 10 s and 1 GB per query: the gateway's machine also serves requests. */
    static final SqlLimits HTTP_LIMITS = new SqlLimits(10_000, Duration.ofSeconds(10), "1GB");

    private final ArchiveSql sql;
    private final TraceReader reader;
    private final ControlHistory history;
    private final RegistryView registry;
    private final Path archiveDir;

    ArchiveTraces(Path archiveDir, RegistryView registry) {
        this.archiveDir = archiveDir;
        this.reader = new TraceReader(archiveDir);
        this.sql = new ArchiveSql(archiveDir);
        this.history = new ControlHistory(archiveDir);
        this.registry = registry;
    }

    @Override
    public Optional<JsonNode> trace(String app, String requestId) throws IOException {
        Optional<Trace> trace = reader.trace(app, requestId);
        if (trace.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode json = trace.get().toJson();
        Optional<Decision> decision = trace.get().decision();
        if (decision.isPresent() && decision.get().model() != null && json.get("servedModel") instanceof ObjectNode served) {
            ModelRef ref = new ModelRef(decision.get().model(), decision.get().version());
            registry.registration(app, ref).ifPresentOrElse(
                    now -> served.putObject("now")
                            .put("role", now.role().wireName())
                            .put("artifactSha256", now.artifactSha256())
                            .put("registeredAtMs", now.updatedAtMs()),
                    () -> served.put("now", "not in the registry"));
        }
        return Optional.of(json);
    }

    @Override
    public JsonNode sql(String app, String snapshotId, String query, int maxRows) throws IOException {
        return sql.query(app, snapshotId, query, HTTP_LIMITS.withMaxRows(maxRows)).toJson();
    }

    @Override
    public ArchiveExport export(String app, String snapshot, String format) throws IOException {
        ExportFormat exportFormat = ExportFormat.parse(format);
        SnapshotStore store = new SnapshotStore(archiveDir);
        String id = store.resolve(app, snapshot);
        // Owner-only, like everything the archive writes: the export holds every request's exact input.
        Path work = Files.createTempDirectory("rdv-export-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            ExportManifest manifest = store.export(app, id, work.resolve("out"), exportFormat);
            return new ArchiveExport(work.resolve("out").resolve(exportFormat.fileName()), JsonCodec.mapper().valueToTree(manifest),
                    () -> deleteTree(work));
        } catch (IOException | RuntimeException e) {
            deleteTree(work);
            throw e;
        }
    }

    /** Removes an export's working directory (best effort: a leftover is owner-only and in the temp dir). */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public Optional<JsonNode> policyVersion(String app, long version) throws IOException {
        return history.policy(app, version).map(ControlHistory.PolicyVersion::toJson);
    }

    @Override
    public Optional<JsonNode> history(String app) throws IOException {
        return Optional.of(history.historyJson(app));
    }
}
