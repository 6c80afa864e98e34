package dev.rendezvous.deploy.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenFileTest {
    @TempDir
    Path dir;

    @Test
    void writesTheTokenReadableByItsOwnerOnlyEvenOverAFileOthersCouldRead() throws Exception {
        Path file = dir.resolve("data").resolve("admin-token");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old-token\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Path written = AdminTokenFile.write(file, "0123456789abcdef0123");

        assertThat(written).isEqualTo(file.toAbsolutePath());
        assertThat(Files.readString(file)).isEqualTo("0123456789abcdef0123\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void theBannerTellsHowToReadTheTokenFromItsFile() {
        String line = UpCommand.adminTokenLine(Path.of("/srv/rdv/data/admin-token"));

        assertThat(line).contains("$(cat /srv/rdv/data/admin-token)");
    }
}
