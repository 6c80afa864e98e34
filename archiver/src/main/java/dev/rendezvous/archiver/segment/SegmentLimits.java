package dev.rendezvous.archiver.segment;

/**
 * When an open segment is sealed and a new one started.
 *
 * @param maxBytes a segment is sealed before a line would take it past this size
 * @param maxAgeMs a segment is sealed once it has been open this long, even if idle
 */
public record SegmentLimits(long maxBytes, long maxAgeMs) {
    /** Segment positions are 32-bit in the key index; a single record can exceed the limit, so stay well below. */
    public static final long LARGEST_MAX_BYTES = 1L << 31;

    public SegmentLimits {
        if (maxBytes < 1 || maxBytes > LARGEST_MAX_BYTES) {
            throw new IllegalArgumentException("maxSegmentBytes must be between 1 and " + LARGEST_MAX_BYTES + ", was " + maxBytes);
        }
        if (maxAgeMs < 1) {
            throw new IllegalArgumentException("maxSegmentAge must be positive, was " + maxAgeMs + " ms");
        }
    }

    /** Rolled by size only. */
    public static SegmentLimits bySize(long maxBytes) {
        return new SegmentLimits(maxBytes, Long.MAX_VALUE);
    }
}
