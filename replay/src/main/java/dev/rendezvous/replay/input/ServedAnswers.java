package dev.rendezvous.replay.input;

import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.replay.answer.Answer;
import dev.rendezvous.replay.answer.AnswerReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What was served for each request of a snapshot, from its archived decisions ({@code results}
 * records up to the cuts), by request id. When a request was decided more than once (a reused id),
 * the first decision in partition and offset order counts. Values are not re-hashed one by one: the
 * scan re-hashes every results segment as a whole.
 */
public final class ServedAnswers {

    /**
     * One served decision, reduced for comparison.
     *
     * @param servedBy {@code name@version} of the served model, or the outcome ({@code fallback}, {@code timeout})
     */
    public record Served(String servedBy, Answer answer) {
    }

    /** The decisions of one scan unit, in order, and how many of its records were not decisions. */
    public record Unit(List<String> requestIds, List<Served> served, long undecodable) {
    }

    private final Map<String, Served> byRequestId;
    private final long undecodable;
    private final long duplicates;

    private ServedAnswers(Map<String, Served> byRequestId, long undecodable, long duplicates) {
        this.byRequestId = byRequestId;
        this.undecodable = undecodable;
        this.duplicates = duplicates;
    }

    /** Reads the snapshot's decisions on a pool of its own, reading each served output with {@code reader}. */
    public static ServedAnswers read(Path archiveDir, Snapshot snapshot, AnswerReader reader) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            return merge(SnapshotScan.join(new SnapshotScan(pool, 8).submit(archiveDir, snapshot, "results", processor(reader))));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Decodes the decisions of one unit of results lines. */
    public static SnapshotScan.UnitProcessor<Unit> processor(AnswerReader reader) {
        return (lines, cut) -> {
            List<String> ids = new ArrayList<>(lines.size());
            List<Served> served = new ArrayList<>(lines.size());
            long undecodable = 0;
            for (byte[] line : lines) {
                ArchiveLineFields fields = ArchiveLineFields.read(line);
                if (fields.offset() > cut) {
                    continue;
                }
                DecisionFields decision = DecisionFields.read(fields.value());
                if (decision == null) {
                    undecodable++;
                } else {
                    ids.add(decision.requestId());
                    served.add(toServed(decision, reader));
                }
            }
            return new Unit(ids, served, undecodable);
        };
    }

    /** Joins units in input order; the first decision of a request id wins. */
    public static ServedAnswers merge(List<Unit> units) {
        Map<String, Served> byRequestId = new HashMap<>();
        long undecodable = 0;
        long duplicates = 0;
        for (Unit unit : units) {
            undecodable += unit.undecodable();
            for (int i = 0; i < unit.requestIds().size(); i++) {
                if (byRequestId.putIfAbsent(unit.requestIds().get(i), unit.served().get(i)) != null) {
                    duplicates++;
                }
            }
        }
        return new ServedAnswers(byRequestId, undecodable, duplicates);
    }

    private static Served toServed(DecisionFields decision, AnswerReader reader) {
        if (decision.outcome().equals("model")) {
            return new Served(decision.model() + "@" + decision.version(), reader.read(decision.output()));
        }
        return new Served(decision.outcome(), decision.output() == null ? Answer.failed(decision.outcome()) : reader.read(decision.output()));
    }

    public Optional<Served> get(String requestId) {
        return Optional.ofNullable(requestId == null ? null : byRequestId.get(requestId));
    }

    /** Visits every request id with what was served for it. */
    public void forEach(java.util.function.BiConsumer<String, Served> visitor) {
        byRequestId.forEach(visitor);
    }

    public int size() {
        return byRequestId.size();
    }

    /** Results records whose value is not a decision. */
    public long undecodable() {
        return undecodable;
    }

    /** Decisions for a request id that already had one. */
    public long duplicates() {
        return duplicates;
    }
}
