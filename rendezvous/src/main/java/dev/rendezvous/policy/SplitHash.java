package dev.rendezvous.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Assigns a request id to a split variant by a hash that every JVM and every future release
 * computes identically, so that forensics can recompute which variant a request got.
 *
 * <p>The position of a request id is the first 8 bytes of SHA-256 over its UTF-8 bytes, read as an
 * unsigned big-endian 64-bit integer, keeping its top 53 bits and scaling them by 2<sup>-53</sup>:
 * a double in [0, 1) with no rounding. The variant is the first whose cumulative weight exceeds the
 * position. SHA-256 rather than {@code String.hashCode()}: it is specified outside Java, well mixed
 * for sequential ids, and its cost (about a microsecond) is negligible next to a Kafka hop.
 */
public final class SplitHash {
    private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

    private SplitHash() {
    }

    /** The position of {@code requestId} in [0, 1). */
    public static double position(String requestId) {
        byte[] digest = sha256().digest(requestId.getBytes(StandardCharsets.UTF_8));
        long first8 = 0;
        for (int i = 0; i < 8; i++) {
            first8 = (first8 << 8) | (digest[i] & 0xFF);
        }
        return (first8 >>> 11) * TWO_TO_MINUS_53;
    }

    /** The index of the variant {@code requestId} falls in, or null when there is no split. */
    public static Integer variantFor(List<SplitVariant> variants, String requestId) {
        if (variants.isEmpty()) {
            return null;
        }
        double position = position(requestId);
        double cumulative = 0;
        int lastWeighted = 0;
        for (int i = 0; i < variants.size(); i++) {
            double weight = variants.get(i).weight();
            cumulative += weight;
            if (weight > 0) {
                lastWeighted = i;
                if (position < cumulative) {
                    return i;
                }
            }
        }
        // Weights may sum to a hair under 1; the last position then belongs to the last variant that has weight.
        return lastWeighted;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
