package dev.rendezvous.deploy.launch;

import dev.rendezvous.deploy.config.ConfigException;
import dev.rendezvous.deploy.config.PlatformConfig.ArchiveReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive-reader token of each app, from {@code gateway.archiveReaders}: given in the
 * configuration, or kept in a file — read when it exists, generated and written owner-only when it
 * does not, so that an investigator's token survives restarts (unlike the per-run admin token). A
 * token file others can read is refused: the token opens every archived input of its app.
 */
final class ArchiveReaderTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveReaderTokens.class);

    private ArchiveReaderTokens() {
    }

    static Map<String, String> resolve(Map<String, ArchiveReader> readers, Supplier<String> generator) throws IOException {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (Map.Entry<String, ArchiveReader> entry : readers.entrySet()) {
            String key = "gateway.archiveReaders." + entry.getKey();
            ArchiveReader reader = entry.getValue();
            if (reader.token() != null && !reader.token().isEmpty()) {
                tokens.put(entry.getKey(), reader.token());
            } else {
                tokens.put(entry.getKey(), fromFile(key + ".tokenFile", reader.tokenFile(), generator));
            }
        }
        return tokens;
    }

    private static String fromFile(String key, Path file, Supplier<String> generator) throws IOException {
        if (!Files.exists(file)) {
            Path written = AdminTokenFile.write(file, generator.get());
            LOG.info("generated an archive-reader token, written to {} ({}, owner-only)", written, key);
            return Files.readString(written, StandardCharsets.UTF_8).strip();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new ConfigException(List.of(key + ": " + file + " is accessible to others ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(permissions) + "); expected owner-only, e.g. chmod 600"));
            }
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions on this file system: nothing to check.
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.length() < 16) {
            throw new ConfigException(List.of(key + ": " + file + " holds a token shorter than 16 characters"));
        }
        return token;
    }
}
