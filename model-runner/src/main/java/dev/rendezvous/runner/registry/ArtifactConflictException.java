package dev.rendezvous.runner.registry;

/**
 * A manifest that would run a registered model version with another artifact than the one it was
 * first registered with: two artifacts scoring under one version make every score, trace and replay
 * of that version ambiguous, so the runner refuses to start.
 */
public final class ArtifactConflictException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ArtifactConflictException(String message) {
        super(message);
    }
}
