package dev.rendezvous.model.runtimes.scoring;

/** The model could not score a batch: reported to every request in it as a {@code model-failure} score. */
public class ModelFailureException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
