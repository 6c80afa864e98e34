package dev.rendezvous.model.runtimes.scoring;

/** A request's input does not fit the model; the message names the feature and what was expected. */
public class InvalidInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
