package dev.rendezvous.replay.input;

import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RedactionNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One exact input of a snapshot: the request bytes the decoy archived, with where they were read,
 * checked against the hash the archiver recorded for them.
 *
 * @param requestId the record key (the request id), null when the record had none
 * @param partition the decoy partition (the same number as the requests partition)
 * @param offset    the decoy offset
 * @param value     the request's value bytes, exactly as produced; null when the record had none
 * @param redaction what the decoy changed in this copy before the archive ({@code rdv-redaction}); null when nothing
 */
public record DecoyInput(String requestId, int partition, long offset, byte[] value, RedactionNote redaction) {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    /** Reads a decoy archive line; fails when its value does not have the recorded hash. */
    public static DecoyInput read(byte[] line) throws IOException {
        ArchiveLineFields fields = ArchiveLineFields.read(line);
        if (fields.value() != null && !HexFormat.of().formatHex(SHA256.get().digest(fields.value())).equals(fields.sha256())) {
            throw new IOException("decoy record " + fields.partition() + "@" + fields.offset()
                    + ": its value does not match its sha256; the archive was changed, replay aborted");
        }
        RedactionNote redaction = null;
        if (fields.redaction() != null) {
            try {
                redaction = JsonCodec.decode(fields.redaction().getBytes(StandardCharsets.UTF_8), RedactionNote.class);
            } catch (RuntimeException e) {
                // Unreadable: treat the copy as changed in unknown ways rather than as the exact request.
                redaction = new RedactionNote("unreadable rdv-redaction header", List.of(), List.of(), List.of(), true);
            }
        }
        return new DecoyInput(fields.key(), fields.partition(), fields.offset(), fields.value(), redaction);
    }

    /** True when the archived copy is not the request the models scored, so its replay cannot reproduce anything. */
    public boolean redacted() {
        return redaction != null && redaction.changedAnything();
    }
}
