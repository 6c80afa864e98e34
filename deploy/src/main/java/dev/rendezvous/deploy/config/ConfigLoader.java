package dev.rendezvous.deploy.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rendezvous.archiver.snapshot.SnapshotSchedule;
import dev.rendezvous.gateway.GatewayConfig;
import dev.rendezvous.gateway.InvalidInputAction;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.TopicNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the platform configuration. Precedence, lowest first: built-in defaults
 * ({@code rendezvous-defaults.yaml}), the YAML file given with {@code --config}, then
 * {@code --set key.path=value} overrides. Unknown keys are errors, so that a typo never silently
 * falls back to a default.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private ConfigLoader() {
    }

    public static PlatformConfig load(Path file, Map<String, String> overrides) {
        ObjectNode tree = defaults();
        JsonNode builtInApps = tree.get("apps").deepCopy();
        if (file != null) {
            merge(tree, readFile(file));
        }
        overrides.forEach((path, value) -> set(tree, path, value));
        logReplacedApps(builtInApps, tree.get("apps"));
        PlatformConfig config;
        try {
            config = YAML.treeToValue(tree, PlatformConfig.class);
        } catch (JsonMappingException e) {
            throw new ConfigException(problem(e), e);
        } catch (IOException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        validate(config);
        return config;
    }

    /**
     * Lists replace, never merge (else the built-in {@code fraud} could not be left out): say so when
     * the {@code apps:} list was replaced, since the built-in app (and the demo models for it) then do
     * not start.
     */
    private static void logReplacedApps(JsonNode builtIn, JsonNode configured) {
        if (configured == null || configured.equals(builtIn)) {
            return;
        }
        List<String> configuredNames = appNames(configured);
        List<String> dropped = appNames(builtIn).stream().filter(name -> !configuredNames.contains(name)).toList();
        LOG.info("apps: the configured list {} replaces the built-in one {} (lists do not merge){}", configuredNames, appNames(builtIn),
                dropped.isEmpty() ? "" : "; not started: " + dropped + " (add it to your list to keep it)");
    }

    private static List<String> appNames(JsonNode apps) {
        List<String> names = new ArrayList<>();
        if (apps != null && apps.isArray()) {
            apps.forEach(app -> names.add(app.path("name").asText("?")));
        }
        return names;
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/rendezvous-defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in defaults cannot be read", e);
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(List.of("--config " + file + ": no such file"));
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(List.of(file + ": expected a YAML mapping at the top level"));
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Objects merge key by key; anything else (lists included) replaces. */
    private static void merge(ObjectNode target, JsonNode source) {
        source.fields().forEachRemaining(entry -> {
            JsonNode existing = target.get(entry.getKey());
            if (existing instanceof ObjectNode existingObject && entry.getValue().isObject()
                    && !"policy".equals(entry.getKey()) && !"properties".equals(entry.getKey())) {
                merge(existingObject, entry.getValue());
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        });
    }

    /** Applies {@code a.b.c=value}; the value is read as YAML, so numbers and booleans keep their type. */
    private static void set(ObjectNode tree, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null) {
                child = node.putObject(parts[i]);
            }
            if (!(child instanceof ObjectNode childObject)) {
                throw new ConfigException(List.of("--set " + path + ": '" + parts[i] + "' is not a section"));
            }
            node = childObject;
        }
        JsonNode parsed;
        try {
            parsed = YAML.readTree(value);
        } catch (IOException e) {
            parsed = YAML.getNodeFactory().textNode(value);
        }
        node.set(parts[parts.length - 1], parsed == null || parsed.isMissingNode() ? YAML.getNodeFactory().textNode(value) : parsed);
    }

    private static void validate(PlatformConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.services() == null || config.services().isEmpty()) {
            problems.add("services: empty; expected some of gateway, rendezvous, standby, models, decoy, archiver, analytics, kafka");
        }
        var kafka = config.kafka();
        if (config.services() != null && config.services().contains(PlatformConfig.Service.KAFKA) && !kafka.embedded()) {
            problems.add("services: 'kafka' runs the embedded broker, but kafka.embedded is false; set kafka.embedded: true in the broker's process");
        }
        if (!kafka.embedded() && (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank())) {
            problems.add("kafka.bootstrapServers: missing; expected host:port[,host:port] when kafka.embedded is false");
        }
        if (kafka.embeddedPort() < 0 || kafka.embeddedPort() > 65535) {
            problems.add("kafka.embeddedPort: " + kafka.embeddedPort() + " is not a port (0-65535)");
        }
        if (kafka.replicationFactor() < 1) {
            problems.add("kafka.replicationFactor: " + kafka.replicationFactor() + "; expected at least 1");
        }
        if (kafka.topicPrefix() != null && !kafka.topicPrefix().matches("[A-Za-z0-9._-]*")) {
            problems.add("kafka.topicPrefix: '" + kafka.topicPrefix() + "' may contain only letters, digits, '.', '_' and '-'");
        }
        if (kafka.memberName() != null && !kafka.memberName().isEmpty() && KafkaSettings.memberNameProblem(kafka.memberName()) != null) {
            problems.add(KafkaSettings.memberNameProblem(kafka.memberName()));
        }
        var gateway = config.gateway();
        if (gateway.port() < 0 || gateway.port() > 65535) {
            problems.add("gateway.port: " + gateway.port() + " is not a port (0-65535)");
        }
        if ((gateway.adminToken() == null || gateway.adminToken().isBlank()) && gateway.adminTokenFile() == null) {
            problems.add("gateway.adminTokenFile: missing; expected a file path for the generated admin token when gateway.adminToken is empty");
        }
        gateway.archiveReaders().forEach((app, reader) -> {
            String key = "gateway.archiveReaders." + app;
            if (config.apps() != null && config.apps().stream().noneMatch(a -> app.equals(a.name()))) {
                problems.add(key + ": '" + app + "' is not a configured app; expected one of the names under apps");
            }
            boolean hasToken = reader != null && reader.token() != null && !reader.token().isEmpty();
            boolean hasFile = reader != null && reader.tokenFile() != null;
            if (hasToken == hasFile) {
                problems.add(key + ": expected exactly one of token (16+ characters) and tokenFile (read if present, else generated)");
            } else if (hasToken && reader.token().length() < 16) {
                problems.add(key + ".token: shorter than 16 characters");
            } else if (hasToken && reader.token().equals(gateway.adminToken())) {
                problems.add(key + ".token: the same as gateway.adminToken; reading the archive is a permission of its own");
            }
        });
        if (gateway.bodyTimeoutMs() < 100 || gateway.bodyTimeoutMs() > GatewayConfig.MAX_BODY_TIMEOUT_MS) {
            problems.add("gateway.bodyTimeoutMs: " + gateway.bodyTimeoutMs() + "; expected 100 to " + GatewayConfig.MAX_BODY_TIMEOUT_MS
                    + " (milliseconds a request body may take to arrive)");
        }
        if (gateway.instanceId() == null || !gateway.instanceId().matches("[A-Za-z0-9._-]{1,100}")) {
            problems.add("gateway.instanceId: '" + gateway.instanceId() + "'; expected 1-100 letters, digits, '.', '_' or '-'");
        }
        var management = config.management();
        if (management.port() < 0 || management.port() > 65535) {
            problems.add("management.port: " + management.port() + " is not a port (0-65535)");
        }
        if (management.enabled() && (management.host() == null || management.host().isBlank())) {
            problems.add("management.host: missing; expected an interface address such as 127.0.0.1");
        }
        if (config.apps() == null || config.apps().isEmpty()) {
            problems.add("apps: empty; expected at least one application");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < config.apps().size(); i++) {
                var app = config.apps().get(i);
                String where = "apps[" + i + "]";
                if (!TopicNames.isLegalApp(app.name())) {
                    problems.add(where + ".name: '" + app.name() + "'; expected 1-63 lower-case letters, digits, '_' or '-'");
                } else if (!names.add(app.name())) {
                    problems.add(where + ".name: '" + app.name() + "' is listed twice");
                }
                if (app.partitions() < 1) {
                    problems.add(where + ".partitions: " + app.partitions() + "; expected at least 1");
                }
                if (app.retentionMs() < 60_000) {
                    problems.add(where + ".retentionMs: " + app.retentionMs() + "; expected at least 60000");
                }
                if (app.policy() == null || !app.policy().isObject()) {
                    problems.add(where + ".policy: missing; expected a policy mapping (see docs/rendezvous.md)");
                }
                try {
                    InvalidInputAction.parse(where + ".onInvalidInput", app.onInvalidInput());
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
                validateArchive(where + ".archive", app.archive(), problems);
            }
        }
        // analytics: its own record validates its values; which apps it names is known only here.
        config.analytics().thresholds().keySet().forEach(app -> {
            if (config.apps() != null && config.apps().stream().noneMatch(a -> app.equals(a.name()))) {
                problems.add("analytics.thresholds." + app + ": '" + app + "' is not a configured app; expected one of the names under apps");
            }
        });
        if (config.archive().maxSegmentBytes() < 4096) {
            problems.add("archive.maxSegmentBytes: " + config.archive().maxSegmentBytes() + "; expected at least 4096");
        }
        if (config.archive().maxSegmentAgeMs() < 100) {
            problems.add("archive.maxSegmentAgeMs: " + config.archive().maxSegmentAgeMs() + "; expected at least 100");
        }
        if (config.archive().maxSyncDelayMs() < 0 || config.archive().maxSyncDelayMs() > 60_000) {
            problems.add("archive.maxSyncDelayMs: " + config.archive().maxSyncDelayMs() + "; expected 0 to 60000");
        }
        if (config.archive().maxUnsyncedBytes() < 1) {
            problems.add("archive.maxUnsyncedBytes: " + config.archive().maxUnsyncedBytes() + "; expected a positive number of bytes");
        }
        if (config.models().manifests() == null) {
            problems.add("models.manifests: expected a list (may be empty)");
        } else {
            for (int i = 0; i < config.models().manifests().size(); i++) {
                Path manifest = config.models().manifests().get(i);
                if (manifest != null && !Files.isRegularFile(manifest)) {
                    problems.add("models.manifests[" + i + "]: " + manifest + " is not a file (looked for " + manifest.toAbsolutePath().normalize()
                            + "; relative paths are resolved against the working directory, not the config file's directory)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** An app's {@code archive:} section: schedule and keep rules, redaction rules and where its hash key comes from. */
    private static void validateArchive(String where, PlatformConfig.AppArchive archive, List<String> problems) {
        PlatformConfig.Snapshots snapshots = archive.snapshots();
        if (snapshots != null) {
            if (snapshots.schedule() == null) {
                problems.add(where + ".snapshots.schedule: missing; expected hourly, daily, weekly or an ISO-8601 duration such as PT15M");
            } else {
                try {
                    SnapshotSchedule.parseEvery(snapshots.schedule());
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".snapshots.schedule: " + e.getMessage());
                }
            }
            PlatformConfig.Keep keep = snapshots.keep();
            if (keep != null && keep.last() != null && keep.last() < 1) {
                problems.add(where + ".snapshots.keep.last: " + keep.last() + "; expected at least 1 (leave it out to keep all)");
            }
            if (keep != null && keep.maxAge() != null) {
                try {
                    Duration age = Duration.parse(keep.maxAge());
                    if (age.isNegative() || age.isZero()) {
                        problems.add(where + ".snapshots.keep.for: " + keep.maxAge() + "; expected a positive ISO-8601 duration such as P7D");
                    }
                } catch (DateTimeParseException e) {
                    problems.add(where + ".snapshots.keep.for: '" + keep.maxAge() + "'; expected an ISO-8601 duration such as P7D or PT12H");
                }
            }
        }
        PlatformConfig.Redaction redaction = archive.redaction();
        if (redaction == null) {
            return;
        }
        Set<String> ruled = new HashSet<>();
        Map<String, List<String>> rules = new java.util.LinkedHashMap<>();
        rules.put("drop", redaction.drop());
        rules.put("hash", redaction.hash());
        rules.put("truncate", List.copyOf(new java.util.TreeSet<>(redaction.truncate().keySet())));
        rules.forEach((rule, fields) -> {
            for (int i = 0; i < fields.size(); i++) {
                String field = fields.get(i);
                String key = where + ".redaction." + rule + ("truncate".equals(rule) ? "." + field : "[" + i + "]");
                if (field == null || field.isBlank()) {
                    problems.add(key + ": empty; expected a feature name");
                } else if (!ruled.add(field)) {
                    problems.add(key + ": '" + field + "' already has a rule; expected one of drop, hash, truncate per field");
                }
            }
        });
        redaction.truncate().forEach((field, length) -> {
            if (length == null || length < 0) {
                problems.add(where + ".redaction.truncate." + field + ": " + length + "; expected a number of characters to keep (0 or more)");
            }
        });
        boolean hasFile = redaction.hashKeyFile() != null;
        boolean hasEnv = redaction.hashKeyEnv() != null && !redaction.hashKeyEnv().isBlank();
        if (!redaction.hash().isEmpty() && hasFile == hasEnv) {
            problems.add(where + ".redaction: hash needs its key from exactly one of hashKeyFile (an owner-only file) and hashKeyEnv"
                    + " (an environment variable's name); the key itself never goes in the YAML");
        }
        if (redaction.hash().isEmpty() && (hasFile || hasEnv)) {
            problems.add(where + ".redaction: hashKeyFile/hashKeyEnv given but no field to hash");
        }
    }

    /**
     * What is wrong, and where. A section's own constructor words its refusals with the key already
     * ("gateway.shedding.windowMs must be ..."); Jackson's wrapper ("Cannot construct instance of
     * `...`, problem: ...") would only bury that.
     */
    private static String problem(JsonMappingException e) {
        String at = path(e);
        if (at.endsWith(".redaction.hashKey")) {
            return at + ": the hash key never goes in the YAML; give hashKeyFile (an owner-only file) or hashKeyEnv (an environment variable's name)";
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException refusal && refusal.getMessage() != null) {
            return refusal.getMessage().startsWith(at) ? refusal.getMessage() : at + ": " + refusal.getMessage();
        }
        return at + ": " + e.getOriginalMessage();
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(top level)" : path.toString();
    }
}
