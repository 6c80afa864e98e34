package dev.rendezvous.archive.format.segment;

/**
 * The manifest entry of one sealed segment, stored next to it as {@code <base>.seal.json}.
 *
 * @param file         the segment's file name, in the directory of its kind
 * @param kind         {@code decoy}, {@code scores} or {@code results}
 * @param sha256       lower-case hex SHA-256 of the whole file
 * @param bytes        the file's size
 * @param records      how many lines (records) it holds
 * @param firstOffset  the Kafka offset of its first record
 * @param lastOffset   the Kafka offset of its last record
 * @param minTimestamp the smallest record timestamp in it, epoch ms
 * @param maxTimestamp the largest record timestamp in it, epoch ms
 * @param sealedAtMs   when it was sealed, epoch ms
 */
public record SegmentSeal(String file, String kind, int partition, String sha256, long bytes, long records,
                          long firstOffset, long lastOffset, long minTimestamp, long maxTimestamp, long sealedAtMs) {

    public SegmentSeal {
        if (file == null || kind == null || sha256 == null) {
            throw new IllegalArgumentException("a segment seal names its file, kind and sha256");
        }
        if (records < 1 || firstOffset > lastOffset) {
            throw new IllegalArgumentException(file + ": a seal covers at least one record, in offset order");
        }
    }

    /** The segment's path below its application's directory: {@code <kind>/<file>}. */
    public String relativePath() {
        return kind + "/" + file;
    }

    /** Whether any of its records has a timestamp in [{@code fromMs}, {@code toMs}). */
    public boolean overlaps(long fromMs, long toMs) {
        return maxTimestamp >= fromMs && minTimestamp < toMs;
    }
}
