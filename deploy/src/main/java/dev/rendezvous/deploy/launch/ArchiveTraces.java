package dev.rendezvous.deploy.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archiver.trace.Trace;
import dev.rendezvous.archiver.trace.TraceReader;
import dev.rendezvous.gateway.TraceLookup;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ModelRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Forensics for the admin API: the archive's trace of a request (exact input with its hash check,
 * every model's answer, the decision) plus, from the registry, the lineage of the model that was
 * served. The archive does not hold lineage; the registry does.
 */
final class ArchiveTraces implements TraceLookup {
    private final TraceReader reader;
    private final RegistryView registry;

    ArchiveTraces(Path archiveDir, RegistryView registry) {
        this.reader = new TraceReader(archiveDir);
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
        if (decision.isPresent() && decision.get().model() != null) {
            ModelRef served = new ModelRef(decision.get().model(), decision.get().version());
            ObjectNode chosen = json.putObject("servedModel");
            chosen.put("ref", served.toString());
            registry.registration(app, served).ifPresentOrElse(
                    registration -> {
                        chosen.put("role", registration.role().wireName());
                        chosen.put("artifactSha256", registration.artifactSha256());
                        chosen.set("lineage", registration.lineage());
                    },
                    () -> chosen.put("lineage", "not in the registry"));
        }
        return Optional.of(json);
    }
}
