package dev.rendezvous.decoy.redaction;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One application's redaction of its archived copies: features to drop, to replace by a keyed hash
 * (HMAC-SHA-256), or to cut to a length. Only the decoy's copy is redacted; the request the models
 * score is untouched. The {@link #version()} names the rule set and key, and travels in every copy.
 *
 * @param drop     feature names removed from the copy
 * @param hash     feature names replaced by {@code hmac-sha256:<hex>}: equal values stay joinable, the
 *                 value itself is gone unless someone holds the key
 * @param truncate feature name to the number of characters kept
 * @param hashKey  the HMAC key (16 bytes or more); required when {@code hash} is not empty; read from a
 *                 file or the environment, never from the YAML
 */
public record RedactionRules(Set<String> drop, Set<String> hash, Map<String, Integer> truncate, byte[] hashKey) {
    private static final int MIN_KEY_BYTES = 16;

    public RedactionRules {
        drop = Set.copyOf(drop == null ? Set.of() : drop);
        hash = Set.copyOf(hash == null ? Set.of() : hash);
        truncate = Map.copyOf(truncate == null ? Map.of() : truncate);
        Set<String> seen = new HashSet<>();
        for (String field : concat(drop, hash, truncate.keySet())) {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("redaction: a rule names an empty field");
            }
            if (!seen.add(field)) {
                throw new IllegalArgumentException("redaction: field '" + field + "' has more than one rule; expected one of drop, hash, truncate");
            }
        }
        truncate.forEach((field, length) -> {
            if (length == null || length < 0) {
                throw new IllegalArgumentException("redaction.truncate." + field + " is " + length + "; expected a length of 0 or more characters");
            }
        });
        if (!hash.isEmpty() && (hashKey == null || hashKey.length < MIN_KEY_BYTES)) {
            throw new IllegalArgumentException("redaction.hash needs a key of at least " + MIN_KEY_BYTES + " bytes (hashKeyFile or hashKeyEnv)"
                    + (hashKey == null ? "; none was given" : "; the key has " + hashKey.length));
        }
        hashKey = hashKey == null ? null : hashKey.clone();
    }

    /** Every field some rule names. */
    public Set<String> fields() {
        return new TreeSet<>(concat(drop, hash, truncate.keySet()));
    }

    /**
     * {@code sha256:<16 hex>} of the rules in a canonical text and of the key's fingerprint (an HMAC of
     * a constant, never the key): a new rule, a changed length or a rotated key give a new version, so
     * hashes of two versions are known not to be comparable.
     */
    public String version() {
        StringBuilder canonical = new StringBuilder("rdv-redaction/1\n");
        canonical.append("drop=").append(String.join(",", new TreeSet<>(drop))).append('\n');
        canonical.append("hash=").append(String.join(",", new TreeSet<>(hash))).append('\n');
        canonical.append("truncate=");
        new TreeMap<>(truncate).forEach((field, length) -> canonical.append(field).append(':').append(length).append(','));
        canonical.append('\n').append("key=").append(hashKey == null ? "none" : Hmac.keyFingerprint(hashKey)).append('\n');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        // Never the key.
        return "RedactionRules[drop=" + new TreeSet<>(drop) + ", hash=" + new TreeSet<>(hash) + ", truncate=" + new TreeMap<>(truncate)
                + ", version=" + version() + "]";
    }

    private static List<String> concat(Set<String> a, Set<String> b, Set<String> c) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }
}
