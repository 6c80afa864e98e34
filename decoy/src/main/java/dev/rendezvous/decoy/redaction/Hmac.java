package dev.rendezvous.decoy.redaction;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256 with the redaction key. */
final class Hmac {
    private static final String ALGORITHM = "HmacSHA256";

    private Hmac() {
    }

    static String hex(byte[] key, byte[] data) {
        return hex(newMac(key), data);
    }

    /** A MAC keyed once, for many {@link #hex(Mac, byte[])} calls on one thread. */
    static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
        }
    }

    /** {@code doFinal} resets the MAC, so the same instance serves the next value. */
    static String hex(Mac mac, byte[] data) {
        return HexFormat.of().formatHex(mac.doFinal(data));
    }

    /** Names a key without revealing it: the first 8 bytes of its HMAC of a constant. */
    static String keyFingerprint(byte[] key) {
        return hex(key, "rdv-redaction-key-id".getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
