package dev.rendezvous.archiver.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * When the archiver snapshots one application by itself, and which of those snapshots it keeps.
 * Snapshots are taken at the start of each period counted from the epoch in UTC ({@code hourly} at
 * :00, {@code daily} at 00:00 UTC), so a slot has one stable name whatever moment the archiver
 * happens to look: {@code scheduled-<slot time>}.
 *
 * @param every how often, at least one second
 * @param keep  which scheduled snapshots survive expiry
 */
public record SnapshotSchedule(Duration every, KeepRules keep) {
    /** Names of scheduled snapshots start with this; manual snapshots are never expired by a schedule. */
    public static final String NAME_PREFIX = "scheduled-";
    private static final DateTimeFormatter SLOT_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    public SnapshotSchedule {
        if (every == null || every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("schedule is " + every + "; expected hourly, daily, weekly or an ISO-8601 duration of at least PT1S");
        }
        keep = keep == null ? KeepRules.KEEP_ALL : keep;
    }

    /**
     * Reads {@code hourly}, {@code daily}, {@code weekly} or an ISO-8601 duration ({@code PT15M},
     * {@code P1D}); the refusal says what was expected (the caller adds the key).
     */
    public static Duration parseEvery(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing; expected hourly, daily, weekly or an ISO-8601 duration such as PT15M");
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "hourly":
                return Duration.ofHours(1);
            case "daily":
                return Duration.ofDays(1);
            case "weekly":
                return Duration.ofDays(7);
            default:
                try {
                    Duration every = Duration.parse(text.trim());
                    if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                        throw new IllegalArgumentException("'" + text + "' is shorter than PT1S");
                    }
                    return every;
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("'" + text + "'; expected hourly, daily, weekly or an ISO-8601 duration such as PT15M");
                }
        }
    }

    /** The start of the slot {@code nowMs} falls in. */
    public long slotAt(long nowMs) {
        long everyMs = every.toMillis();
        return Math.floorDiv(nowMs, everyMs) * everyMs;
    }

    /** The stable name of the snapshot of the slot starting at {@code slotMs}. */
    public static String nameOf(long slotMs) {
        return NAME_PREFIX + SLOT_NAME.format(Instant.ofEpochMilli(slotMs));
    }

    public static boolean isScheduledName(String name) {
        return name.startsWith(NAME_PREFIX);
    }
}
