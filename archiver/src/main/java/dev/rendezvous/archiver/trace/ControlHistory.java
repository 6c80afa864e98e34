package dev.rendezvous.archiver.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archiver.RecordKind;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.PolicyRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The control plane's history as the archive holds it: every policy version and every registry
 * entry (registration or role change) ever written, which the compacted topics themselves forget.
 * Read from {@code <archive>/_control/}; the whole of it is scanned on each call, which stays cheap
 * because the control plane changes a few times a day, not per request. Blocking file I/O.
 */
public final class ControlHistory {
    private final Path controlDir;

    public ControlHistory(Path archiveDir) {
        this.controlDir = archiveDir.resolve(RecordKind.CONTROL_DIR);
    }

    /**
     * One stored policy version.
     *
     * @param version the policy's version: its record's offset on {@code rdv.policies} plus one
     * @param at      where the archive holds it, {@code topic-partition@offset}
     */
    public record PolicyVersion(long version, String app, JsonNode policy, String updatedBy, long updatedAtMs, String at, String sha256) {
        public ObjectNode toJson() {
            ObjectNode node = JsonCodec.mapper().createObjectNode();
            node.put("version", version);
            node.put("app", app);
            node.put("updatedBy", updatedBy);
            node.put("updatedAtMs", updatedAtMs);
            node.put("archivedAt", at);
            node.put("sha256", sha256);
            node.set("policy", policy);
            return node;
        }
    }

    /**
     * One registry entry as it was written: a runner's registration or a role change.
     *
     * @param previousRole the role this version had in the entry before this one; null for its first entry
     */
    public record RegistryEntry(ModelRegistration registration, ModelRole previousRole, long offset, String at) {
        public ObjectNode toJson() {
            ObjectNode node = JsonCodec.mapper().createObjectNode();
            node.put("ref", registration.ref().toString());
            node.put("atMs", registration.updatedAtMs());
            node.put("changedBy", registration.changedBy());
            node.put("from", previousRole == null ? null : previousRole.wireName());
            node.put("to", registration.role().wireName());
            node.put("artifactSha256", registration.artifactSha256());
            node.put("archivedAt", at);
            return node;
        }
    }

    /** Every archived version of {@code app}'s policy, oldest first. */
    public List<PolicyVersion> policies(String app) throws IOException {
        ArchiveNames.requireApp(app);
        List<PolicyVersion> versions = new ArrayList<>();
        for (Line line : lines(RecordKind.POLICIES)) {
            if (!app.equals(line.parsed.key()) || line.value == null) {
                continue;
            }
            decode(line.value, PolicyRecord.class).filter(record -> record.app().equals(app)).ifPresent(record -> versions.add(
                    new PolicyVersion(line.parsed.offset() + 1, app, record.policy(), record.updatedBy(), record.updatedAtMs(),
                            line.coordinates(), line.parsed.sha256())));
        }
        return versions;
    }

    /** The archived policy {@code version} of {@code app}, if the archive holds it. */
    public Optional<PolicyVersion> policy(String app, long version) throws IOException {
        return policies(app).stream().filter(policy -> policy.version() == version).findFirst();
    }

    /** Every archived registry entry of {@code app}'s models, oldest first, each with the role it replaced. */
    public List<RegistryEntry> registry(String app) throws IOException {
        ArchiveNames.requireApp(app);
        String keyPrefix = app + "/";
        Map<ModelRef, ModelRole> lastRole = new HashMap<>();
        List<RegistryEntry> entries = new ArrayList<>();
        for (Line line : lines(RecordKind.MODELS)) {
            String key = line.parsed.key();
            if (key == null || !key.startsWith(keyPrefix) || line.value == null) {
                continue;
            }
            Optional<ModelRegistration> decoded = decode(line.value, ModelRegistration.class)
                    .filter(registration -> registration.app().equals(app) && registration.key().equals(key));
            decoded.ifPresent(registration -> entries.add(new RegistryEntry(registration,
                    lastRole.put(registration.ref(), registration.role()), line.parsed.offset(), line.coordinates())));
        }
        return entries;
    }

    /**
     * The entry of {@code ref} that was in force at {@code atMs}: the last one written at or before
     * then. Empty when the archive holds none that early.
     */
    public Optional<RegistryEntry> registrationAt(String app, ModelRef ref, long atMs) throws IOException {
        RegistryEntry inForce = null;
        for (RegistryEntry entry : registry(app)) {
            if (entry.registration().ref().equals(ref) && entry.registration().updatedAtMs() <= atMs) {
                inForce = entry;
            }
        }
        return Optional.ofNullable(inForce);
    }

    /** The app's whole control-plane history as JSON: {@code policies} (without their text) and {@code models}. */
    public ObjectNode historyJson(String app) throws IOException {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("app", app);
        ArrayNode policies = root.putArray("policies");
        for (PolicyVersion policy : policies(app)) {
            ObjectNode node = policy.toJson();
            node.remove("policy");
            policies.add(node);
        }
        ArrayNode models = root.putArray("models");
        registry(app).forEach(entry -> models.add(entry.toJson()));
        return root;
    }

    private record Line(ArchivedLine parsed, byte[] value) {
        String coordinates() {
            return parsed.topic() + "-" + parsed.partition() + "@" + parsed.offset();
        }
    }

    /** Every line of the kind, sealed segments and open ones, once per offset, in offset order per partition. */
    private List<Line> lines(RecordKind kind) throws IOException {
        Path dir = controlDir.resolve(kind.dirName());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(file -> SegmentFiles.parse(file.getFileName().toString()).isPresent()).toList();
        }
        // Keyed by partition and offset: a line archived twice (a crash between write and commit) counts once.
        TreeMap<Long, Line> byPosition = new TreeMap<>();
        for (Path segment : segments) {
            try {
                SegmentLines.read(segment, (position, line, length) -> {
                    byte[] copy = Arrays.copyOf(line, length);
                    ArchivedLine parsed = ArchivedLine.parse(copy);
                    byPosition.putIfAbsent(((long) parsed.partition() << 48) | parsed.offset(), new Line(parsed, ArchivedLine.value(copy)));
                    return true;
                });
            } catch (NoSuchFileException e) {
                // Removed since listed.
            }
        }
        return List.copyOf(byPosition.values());
    }

    private static <T> Optional<T> decode(byte[] value, Class<T> type) {
        try {
            return Optional.of(JsonCodec.decode(value, type));
        } catch (RuntimeException e) {
            // A record the services ignored as invalid was never in force: it is no part of the history.
            return Optional.empty();
        }
    }
}
