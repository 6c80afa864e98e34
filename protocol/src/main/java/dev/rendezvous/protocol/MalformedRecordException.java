package dev.rendezvous.protocol;

/** A record's bytes are not a valid instance of the expected type; the message says what and where. */
public class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
