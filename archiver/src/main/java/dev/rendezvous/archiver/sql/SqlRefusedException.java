package dev.rendezvous.archiver.sql;

/**
 * A query the archive will not run or could not finish for a reason of the query's own: it does not
 * parse, is not one read-only SELECT, names an unknown table or column, reads a file outside the
 * archive, or ran past its time limit. The message says which, in words an investigator can act on.
 */
public final class SqlRefusedException extends IllegalArgumentException {
    private final boolean timedOut;

    SqlRefusedException(String message, boolean timedOut) {
        super(message);
        this.timedOut = timedOut;
    }

    /** Whether the query was interrupted at its time limit (rather than refused outright). */
    public boolean timedOut() {
        return timedOut;
    }
}
