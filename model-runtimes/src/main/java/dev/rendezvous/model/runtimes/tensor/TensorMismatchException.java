package dev.rendezvous.model.runtimes.tensor;

/** A JSON tensor that does not fit what was expected; the message names the tensor, the expected and the given type or shape. */
public class TensorMismatchException extends Exception {
    private static final long serialVersionUID = 1L;

    public TensorMismatchException(String message) {
        super(message);
    }
}
