package dev.rendezvous.model.runtimes.scoring;

/** A model call did not return within the manifest's {@code callTimeoutMs}: every request in it gets a {@code call-timeout} score. */
public final class CallTimeoutException extends ModelFailureException {
    private static final long serialVersionUID = 1L;

    public CallTimeoutException(String message) {
        super(message, null);
    }
}
