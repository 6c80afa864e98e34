package dev.rendezvous.archiver.snapshot;

import java.time.Duration;

/**
 * How much of an application's archive to keep; either limit may be absent.
 *
 * @param maxAge   sealed segments whose newest record is older than this may go; null for no age limit
 * @param maxBytes the oldest sealed segments may go while the application's segments take more than this; 0 for no size limit
 */
public record RetentionPolicy(Duration maxAge, long maxBytes) {

    public RetentionPolicy {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("retention maxAge is " + maxAge + "; expected a positive duration");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("retention maxBytes is " + maxBytes + "; expected 0 (no limit) or more");
        }
        if (maxAge == null && maxBytes == 0) {
            throw new IllegalArgumentException("a retention policy needs a maximum age, a maximum size or both");
        }
    }
}
