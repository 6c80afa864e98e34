package dev.rendezvous.archive.format.snapshot;

/** One line of {@code snapshot list}: a snapshot's id and what it holds. */
public record SnapshotSummary(String id, String app, long createdAtMs, long untilMs, String label, int segments, long bytes) {

    static SnapshotSummary of(String id, Snapshot snapshot) {
        long bytes = snapshot.segments().stream().mapToLong(s -> s.bytes()).sum();
        return new SnapshotSummary(id, snapshot.app(), snapshot.createdAtMs(), snapshot.untilMs(), snapshot.label(), snapshot.segments().size(), bytes);
    }
}
