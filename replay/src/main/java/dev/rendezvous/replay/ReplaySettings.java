package dev.rendezvous.replay;

import dev.rendezvous.replay.scoring.ReplayBatching;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to replay and how.
 *
 * @param app            the snapshot's application; null to find it from the id
 * @param against        the manifest to compare with; null to compare with what was served
 * @param positiveLabel  the label whose probability is the score (e.g. {@code fraud})
 * @param epsilon        scores closer than this agree, when labels cannot be compared
 * @param largestChanges how many of the largest score changes the report lists
 * @param timeBuckets    how many buckets "agreement over time" has at most
 * @param threads        scoring threads
 * @param batching       how requests are grouped into model calls; null for {@link ReplayBatching#SINGLE}
 */
public record ReplaySettings(Path archiveDir, String app, String snapshotId, Path model, Path against, Path outDir,
                             String positiveLabel, double epsilon, int largestChanges, int timeBuckets, int threads,
                             ReplayBatching batching) {
    public static final String DEFAULT_POSITIVE_LABEL = "fraud";
    public static final double DEFAULT_EPSILON = 1e-6;
    public static final int DEFAULT_LARGEST_CHANGES = 20;
    public static final int DEFAULT_TIME_BUCKETS = 24;

    /** Every request in a call of its own: the answer depends on the request alone, whatever traffic it came with. */
    public static final ReplayBatching DEFAULT_BATCHING = ReplayBatching.SINGLE;

    public ReplaySettings {
        batching = batching == null ? DEFAULT_BATCHING : batching;
        Objects.requireNonNull(archiveDir, "archiveDir");
        Objects.requireNonNull(snapshotId, "snapshotId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(positiveLabel, "positiveLabel");
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("--epsilon is " + epsilon + "; expected a positive number such as 1e-6");
        }
        if (largestChanges < 0 || timeBuckets < 1 || threads < 1) {
            throw new IllegalArgumentException("--top " + largestChanges + ", --buckets " + timeBuckets + ", --threads " + threads
                    + ": expected --top >= 0, --buckets >= 1 and --threads >= 1");
        }
    }

    /** Defaults for everything but what to replay and where to write; threads = available processors. */
    public static ReplaySettings of(Path archiveDir, String snapshotId, Path model, Path outDir) {
        return new ReplaySettings(archiveDir, null, snapshotId, model, null, outDir, DEFAULT_POSITIVE_LABEL, DEFAULT_EPSILON,
                DEFAULT_LARGEST_CHANGES, DEFAULT_TIME_BUCKETS, Runtime.getRuntime().availableProcessors(), DEFAULT_BATCHING);
    }

    public ReplaySettings against(Path manifest) {
        return new ReplaySettings(archiveDir, app, snapshotId, model, manifest, outDir, positiveLabel, epsilon, largestChanges, timeBuckets, threads, batching);
    }

    public ReplaySettings withThreads(int count) {
        return new ReplaySettings(archiveDir, app, snapshotId, model, against, outDir, positiveLabel, epsilon, largestChanges, timeBuckets, count, batching);
    }

    public ReplaySettings withBatching(ReplayBatching mode) {
        return new ReplaySettings(archiveDir, app, snapshotId, model, against, outDir, positiveLabel, epsilon, largestChanges, timeBuckets, threads, mode);
    }
}
