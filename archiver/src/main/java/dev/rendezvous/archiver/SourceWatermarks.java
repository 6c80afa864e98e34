package dev.rendezvous.archiver;

import dev.rendezvous.archive.format.line.SourceCoordinates;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which source records of each source topic-partition are archived, to drop the repeats an
 * at-least-once decoy writes after a crash while keeping a record that arrives late.
 *
 * <p>The decoy copies one source partition in offset order to one decoy partition, so nearly always
 * "at or below the highest archived source offset" means a repeat. The exception is a gap: when a
 * produce request fails, Kafka's idempotent producer may still write the batches after it, and the
 * decoy's retry then delivers the missing record after higher ones. So the gaps below the highest
 * offset (within {@link #WINDOW}) are remembered, and a record filling one is archived. Below the
 * first offset ever seen nothing is known: that window counts as a gap too.
 */
final class SourceWatermarks {
    /** How far below the highest offset gaps are remembered; a decoy retry fills its gap within one poll batch. */
    static final long WINDOW = 1_000_000;
    /** Bounds memory when a source has many scattered gaps (e.g. transaction markers). */
    static final int MAX_GAPS = 10_000;

    private final Map<String, Mark> marks = new HashMap<>();

    boolean isRepeat(SourceCoordinates source) {
        Mark mark = marks.get(key(source));
        return mark != null && source.offset() <= mark.highest && !mark.isGap(source.offset());
    }

    /** Records that {@code source} is archived; call in archive order (also when replaying recovered lines). */
    void advance(SourceCoordinates source) {
        long offset = source.offset();
        Mark mark = marks.get(key(source));
        if (mark == null) {
            mark = new Mark(offset);
            mark.addGap(Math.max(0, offset - WINDOW), offset);
            marks.put(key(source), mark);
        } else if (offset > mark.highest) {
            mark.addGap(mark.highest + 1, offset);
            mark.highest = offset;
        } else {
            mark.fillGap(offset);
        }
        mark.forgetOldGaps();
    }

    private static String key(SourceCoordinates source) {
        return source.topic() + "-" + source.partition();
    }

    /** The highest archived source offset of one source partition and the gaps below it, as [start, end) ranges. */
    private static final class Mark {
        private long highest;
        private final TreeMap<Long, Long> gaps = new TreeMap<>();

        Mark(long highest) {
            this.highest = highest;
        }

        boolean isGap(long offset) {
            Map.Entry<Long, Long> gap = gaps.floorEntry(offset);
            return gap != null && offset < gap.getValue();
        }

        void addGap(long start, long end) {
            if (start < end) {
                gaps.put(start, end);
            }
        }

        void fillGap(long offset) {
            Map.Entry<Long, Long> gap = gaps.floorEntry(offset);
            if (gap == null || offset >= gap.getValue()) {
                return;
            }
            gaps.remove(gap.getKey());
            addGap(gap.getKey(), offset);
            addGap(offset + 1, gap.getValue());
        }

        void forgetOldGaps() {
            while (!gaps.isEmpty() && (gaps.size() > MAX_GAPS || gaps.firstEntry().getValue() <= highest - WINDOW)) {
                gaps.pollFirstEntry();
            }
        }
    }
}
