package dev.rendezvous.archive.format.snapshot;

import dev.rendezvous.archive.format.segment.SegmentSeal;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The content of a snapshot manifest: the sealed segments of one application at a point in time and,
 * per topic-partition, the cut offset (the last record the snapshot includes). Stored canonically as
 * {@code <app>/snapshots/<id>.json} where the id is the SHA-256 of those bytes.
 *
 * @param createdAtMs when it was created, epoch ms
 * @param untilMs     records with a timestamp after this were cut off (the creation time when not given)
 * @param label       free text to find it by; null when none
 * @param segments    every segment it covers, with the hash each must still have
 * @param cuts        the last included offset per kind and partition
 */
public record Snapshot(String app, long createdAtMs, long untilMs, String label, List<SegmentSeal> segments, List<Cut> cuts) {

    /** The last offset of one topic-partition a snapshot includes. */
    public record Cut(String kind, int partition, long offset) {
    }

    public Snapshot {
        if (app == null || app.isEmpty()) {
            throw new IllegalArgumentException("a snapshot names its application");
        }
        segments = List.copyOf(segments == null ? List.of() : segments);
        cuts = List.copyOf(cuts == null ? List.of() : cuts).stream()
                .sorted(Comparator.comparing(Cut::kind).thenComparingInt(Cut::partition)).toList();
    }

    /** The cut of one topic-partition; empty when the snapshot has nothing of it. */
    public Optional<Long> cut(String kind, int partition) {
        return cuts.stream().filter(c -> c.kind().equals(kind) && c.partition() == partition).map(Cut::offset).findFirst();
    }

    /** Records in the segments up to their cuts. */
    public long records() {
        return segments.stream().mapToLong(SegmentSeal::records).sum();
    }
}
