package dev.rendezvous.model.api.manifest;

import java.nio.file.Path;

/** A manifest that cannot be used; the message names the file, the field, the value and what was expected. */
public class ManifestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ManifestException(Path file, String problem, Throwable cause) {
        super("manifest " + file + ": " + problem, cause);
    }
}
