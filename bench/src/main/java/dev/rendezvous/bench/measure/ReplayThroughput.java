package dev.rendezvous.bench.measure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.replay.ReplayRunner;
import dev.rendezvous.replay.ReplaySettings;
import dev.rendezvous.replay.compare.ComparisonResult;
import java.nio.file.Path;

/**
 * Replay throughput: replays the snapshot {@link ArchiveThroughput} took of its archive through a model
 * manifest with {@link ReplayRunner} — what {@code rendezvous replay} runs — in this process, against
 * served, with the replay's default thread count. Timed around the whole replay (open the snapshot,
 * load the model, re-hash every segment and value, decode, score, compare, write report.json and
 * report.html); no JVM start. It is the first replay of the process, though the runner's scoring code
 * has usually run hot earlier in the bench. The bench's archive holds decoy records only, so "against
 * served" finds no decision for any input: no results segment is read and nothing is compared, which
 * a replay of a platform's archive would also spend time on.
 */
public final class ReplayThroughput {
    /**
     * What one replay did.
     *
     * @param recordsReplayed     inputs the replay read (every decoy record of the snapshot)
     * @param failed              inputs that did not score: not a request, or the model answered an error
     * @param threads             scoring threads (the replay's default: the available processors)
     * @param sealedSegments      sealed decoy segments the snapshot holds, all of which the replay read
     * @param openSegmentsLeftOut segments still open when the snapshot was taken: never read, so not replayed
     */
    public record Result(String model, long recordsReplayed, long failed, double seconds, double recordsPerSecond, int threads,
                         int sealedSegments, int openSegmentsLeftOut) {
    }

    private ReplayThroughput() {
    }

    public static Result measure(ArchiveThroughput.Result archive, Path archiveDir, Path manifest, Path outDir) throws Exception {
        ReplaySettings settings = ReplaySettings.of(archiveDir, archive.snapshotId(), manifest, outDir);
        long start = System.nanoTime();
        ReplayRunner.Result replay = ReplayRunner.run(settings, null);
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        ComparisonResult.Counts counts = replay.comparison().counts();
        // The replay's own report says which model and how many segments it read.
        JsonNode report = replay.report();
        return new Result(report.at("/model/name").asText() + "@" + report.at("/model/version").asText(), counts.inputs(),
                counts.undecodable() + counts.replayErrors(), seconds, counts.inputs() / seconds, settings.threads(),
                report.at("/snapshot/decoySegments").asInt(), archive.openSegmentsLeftOut());
    }
}
