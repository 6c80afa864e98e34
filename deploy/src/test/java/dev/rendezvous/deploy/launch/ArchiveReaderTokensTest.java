package dev.rendezvous.deploy.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.deploy.config.ConfigException;
import dev.rendezvous.deploy.config.PlatformConfig.ArchiveReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTokensTest {
    @TempDir
    Path dir;

    @Test
    void generatesAMissingTokenFileOwnerOnlyAndReadsTheSameTokenOnTheNextStart() throws Exception {
        Path file = dir.resolve("fraud-reader-token");
        Map<String, ArchiveReader> readers = Map.of("fraud", new ArchiveReader(null, file));

        Map<String, String> first = ArchiveReaderTokens.resolve(readers, () -> "generated-token-0123456789");
        Map<String, String> second = ArchiveReaderTokens.resolve(readers, () -> "another-token-0123456789");

        assertThat(first).containsExactly(Map.entry("fraud", "generated-token-0123456789"));
        assertThat(second).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void takesAConfiguredTokenAsItIs() throws Exception {
        assertThat(ArchiveReaderTokens.resolve(Map.of("fraud", new ArchiveReader("configured-token-0123", null)), () -> "unused"))
                .containsExactly(Map.entry("fraud", "configured-token-0123"));
    }

    @Test
    void refusesATokenFileOthersCanReadNamingTheKey() throws Exception {
        Path file = dir.resolve("open-token");
        Files.writeString(file, "readable-by-all-0123456789\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> ArchiveReaderTokens.resolve(Map.of("fraud", new ArchiveReader(null, file)), () -> "unused"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.archiveReaders.fraud.tokenFile").hasMessageContaining("rw-r--r--");
    }
}
