package dev.rendezvous.decoy.redaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RedactionNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies one application's {@link RedactionRules} to the value of a decoy copy. Rules name
 * {@code features}; an OIP tensor input ({@code inputs[].name}) named by any rule is removed whole
 * (a tensor cannot be hashed or cut element by element meaningfully). A value that is not a JSON
 * object is withheld: the decoy cannot tell which of its bytes are personal.
 */
public final class Redactor {
    private final RedactionRules rules;
    private final String version;
    /** Every field a rule names, in order: worked out once, not per record. */
    private final java.util.Set<String> fields;
    /** One keyed MAC per thread (a Mac is not thread-safe; the decoy's poll thread is the only user in practice). */
    private final ThreadLocal<javax.crypto.Mac> mac;

    public Redactor(RedactionRules rules) {
        this.rules = rules;
        this.version = rules.version();
        this.fields = java.util.Collections.unmodifiableSet(rules.fields());
        this.mac = rules.hash().isEmpty() ? null : ThreadLocal.withInitial(() -> Hmac.newMac(rules.hashKey()));
    }

    /** The redacted copy's value (null when withheld) and what was done to it. */
    public record Redacted(byte[] value, RedactionNote note) {
    }

    public Redacted apply(byte[] value) {
        JsonNode root;
        try {
            root = value == null ? null : JsonCodec.mapper().readTree(value);
        } catch (IOException e) {
            root = null;
        }
        if (!(root instanceof ObjectNode request)) {
            return new Redacted(null, new RedactionNote(version, List.of(), List.of(), List.of(), value != null));
        }
        List<String> dropped = new ArrayList<>();
        List<String> hashed = new ArrayList<>();
        List<String> truncated = new ArrayList<>();
        if (request.get("features") instanceof ObjectNode features) {
            for (String field : fields) {
                JsonNode feature = features.get(field);
                if (feature == null) {
                    continue;
                }
                if (rules.drop().contains(field)) {
                    features.remove(field);
                    dropped.add(field);
                } else if (rules.hash().contains(field)) {
                    features.put(field, "hmac-sha256:" + Hmac.hex(mac.get(), text(feature).getBytes(StandardCharsets.UTF_8)));
                    hashed.add(field);
                } else {
                    String text = text(feature);
                    int keep = rules.truncate().get(field);
                    features.put(field, text.codePointCount(0, text.length()) <= keep ? text : text.substring(0, text.offsetByCodePoints(0, keep)));
                    truncated.add(field);
                }
            }
        }
        if (request.get("inputs") instanceof ArrayNode inputs) {
            for (Iterator<JsonNode> it = inputs.elements(); it.hasNext(); ) {
                JsonNode input = it.next();
                String name = input.path("name").asText(null);
                if (name != null && fields.contains(name)) {
                    it.remove();
                    dropped.add(name);
                }
            }
        }
        RedactionNote note = new RedactionNote(version, dropped, hashed, truncated, false);
        return new Redacted(note.changedAnything() ? JsonCodec.encode(request) : value, note);
    }

    /** A string's own characters (so hashes match the same value hashed elsewhere); any other value's JSON text. */
    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : node.toString();
    }
}
