package dev.rendezvous.deploy.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * Writes a generated admin token where only its owner can read it: a token on stdout ends up in
 * terminal scroll-back, CI logs and journald, readable by whoever reads those.
 */
final class AdminTokenFile {
    private AdminTokenFile() {
    }

    /**
     * Replaces {@code file} with {@code token} and a newline, mode {@code rw-------} from its creation
     * on (a temporary file renamed over it, so the token is never readable by others, even briefly).
     * On a file system without POSIX permissions the file gets the directory's defaults.
     */
    static Path write(Path file, String token) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean posix = Files.getFileStore(absolute.getParent()).supportsFileAttributeView("posix");
        FileAttribute<?>[] ownerOnly = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(temp, ownerOnly);
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return absolute;
    }
}
