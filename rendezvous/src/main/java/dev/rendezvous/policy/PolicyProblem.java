package dev.rendezvous.policy;

/**
 * One thing wrong with a policy document.
 *
 * @param path    where, e.g. {@code stages[1].until}; {@code $} for the document as a whole
 * @param message what is wrong and what was expected
 */
public record PolicyProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
