package dev.rendezvous.deploy.launch;

import dev.rendezvous.archiver.snapshot.KeepRules;
import dev.rendezvous.archiver.snapshot.SnapshotSchedule;
import dev.rendezvous.decoy.redaction.RedactionRules;
import dev.rendezvous.deploy.config.ConfigException;
import dev.rendezvous.deploy.config.PlatformConfig;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the apps' {@code archive:} sections (already checked key by key by {@code ConfigLoader}) into
 * the archiver's snapshot schedules and the decoy's redaction rules. What needs more than the YAML is
 * checked here, at start-up, with errors naming the key: the hash key (read from its file or the
 * environment) and every redacted field against the features the app's model manifests declare.
 */
final class AppArchives {
    private static final Logger LOG = LoggerFactory.getLogger(AppArchives.class);

    private AppArchives() {
    }

    static Map<String, SnapshotSchedule> schedules(PlatformConfig config) {
        Map<String, SnapshotSchedule> schedules = new LinkedHashMap<>();
        for (PlatformConfig.App app : config.apps()) {
            PlatformConfig.Snapshots snapshots = app.archive().snapshots();
            if (snapshots != null) {
                PlatformConfig.Keep keep = snapshots.keep();
                KeepRules rules = keep == null ? KeepRules.KEEP_ALL
                        : new KeepRules(keep.last(), keep.maxAge() == null ? null : Duration.parse(keep.maxAge()));
                schedules.put(app.name(), new SnapshotSchedule(SnapshotSchedule.parseEvery(snapshots.schedule()), rules));
            }
        }
        return schedules;
    }

    static boolean anyRedaction(PlatformConfig config) {
        return config.apps().stream().anyMatch(app -> app.archive().redaction() != null);
    }

    /**
     * The redaction rules per app.
     *
     * @param manifests the model manifests this configuration names; an app with some that declare
     *                  {@code input.features} may redact only those features
     * @param env       the environment, for {@code hashKeyEnv}
     */
    static Map<String, RedactionRules> redactions(PlatformConfig config, List<ModelManifest> manifests, Function<String, String> env) {
        Map<String, RedactionRules> redactions = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < config.apps().size(); i++) {
            PlatformConfig.App app = config.apps().get(i);
            PlatformConfig.Redaction redaction = app.archive().redaction();
            if (redaction == null) {
                continue;
            }
            String where = "apps[" + i + "].archive.redaction";
            Set<String> declared = declaredFeatures(app.name(), manifests);
            if (declared.isEmpty()) {
                LOG.warn("{}: no model manifest of app {} declares input.features, so the redacted fields cannot be checked", where, app.name());
            } else {
                checkDeclared(where + ".drop", redaction.drop(), declared, app.name(), problems, false);
                checkDeclared(where + ".hash", redaction.hash(), declared, app.name(), problems, false);
                checkDeclared(where + ".truncate", List.copyOf(new TreeSet<>(redaction.truncate().keySet())), declared, app.name(), problems, true);
            }
            byte[] key = null;
            if (!redaction.hash().isEmpty()) {
                key = hashKey(where, redaction, env, problems);
                if (key == null) {
                    continue;
                }
            }
            if (problems.isEmpty()) {
                try {
                    redactions.put(app.name(), new RedactionRules(Set.copyOf(redaction.drop()), Set.copyOf(redaction.hash()), redaction.truncate(), key));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return redactions;
    }

    private static Set<String> declaredFeatures(String app, List<ModelManifest> manifests) {
        Set<String> features = new TreeSet<>();
        for (ModelManifest manifest : manifests) {
            if (manifest.app().equals(app) && manifest.input() != null) {
                features.addAll(manifest.input().features());
            }
        }
        return features;
    }

    private static void checkDeclared(String key, List<String> fields, Set<String> declared, String app, List<String> problems, boolean byName) {
        for (int i = 0; i < fields.size(); i++) {
            if (!declared.contains(fields.get(i))) {
                problems.add(key + (byName ? "." + fields.get(i) : "[" + i + "]") + ": '" + fields.get(i) + "' is not a feature of app " + app
                        + "; its model manifests declare " + declared);
            }
        }
    }

    /** The HMAC key from the environment or its owner-only file; null, with the problem added, when unusable. */
    private static byte[] hashKey(String where, PlatformConfig.Redaction redaction, Function<String, String> env, List<String> problems) {
        if (redaction.hashKeyEnv() != null && !redaction.hashKeyEnv().isBlank()) {
            String value = env.apply(redaction.hashKeyEnv());
            if (value == null || value.isBlank()) {
                problems.add(where + ".hashKeyEnv: the environment variable " + redaction.hashKeyEnv() + " is not set");
                return null;
            }
            return checkedLength(where + ".hashKeyEnv", value.strip().getBytes(StandardCharsets.UTF_8), problems);
        }
        Path file = redaction.hashKeyFile();
        String key = where + ".hashKeyFile";
        if (!Files.isRegularFile(file)) {
            problems.add(key + ": " + file + " does not exist; expected a file holding the HMAC key (16+ bytes, owner-only)");
            return null;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                problems.add(key + ": " + file + " is accessible to others (" + PosixFilePermissions.toString(permissions)
                        + "); expected owner-only, e.g. chmod 600");
                return null;
            }
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions on this file system: nothing to check.
        } catch (IOException e) {
            problems.add(key + ": " + file + " cannot be read: " + e.getMessage());
            return null;
        }
        try {
            return checkedLength(key, Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8), problems);
        } catch (IOException e) {
            problems.add(key + ": " + file + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    private static byte[] checkedLength(String key, byte[] bytes, List<String> problems) {
        if (bytes.length < 16) {
            problems.add(key + ": the key has " + bytes.length + " bytes; expected at least 16");
            return null;
        }
        return bytes;
    }
}
