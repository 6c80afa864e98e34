package dev.rendezvous.protocol;

import java.util.List;

/**
 * What the decoy changed in one archived copy of a request, carried in the {@link RecordHeaders#REDACTION}
 * header so that whoever reads the archive (replay, an export, an investigator) knows which inputs are
 * not the request the models scored.
 *
 * @param version   the redaction rule set's version: a hash of the rules and of the hash key's
 *                  fingerprint, so any change of either gives a new version
 * @param dropped   features (or OIP inputs) removed from this copy
 * @param hashed    features replaced by {@code hmac-sha256:<hex>} of their value
 * @param truncated features cut to their rule's length
 * @param withheld  the whole value was left out: it was not a JSON object the rules could be applied to
 */
public record RedactionNote(String version, List<String> dropped, List<String> hashed, List<String> truncated, boolean withheld) {
    public RedactionNote {
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("a redaction note names its rule set's version");
        }
        dropped = List.copyOf(dropped == null ? List.of() : dropped);
        hashed = List.copyOf(hashed == null ? List.of() : hashed);
        truncated = List.copyOf(truncated == null ? List.of() : truncated);
    }

    /** True when this copy differs from the request that was scored. */
    public boolean changedAnything() {
        return withheld || !dropped.isEmpty() || !hashed.isEmpty() || !truncated.isEmpty();
    }
}
