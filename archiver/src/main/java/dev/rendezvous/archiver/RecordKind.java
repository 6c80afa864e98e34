package dev.rendezvous.archiver;

import dev.rendezvous.protocol.TopicNames;

/** The kinds of topic the archiver reads; each has its own directory under the application's. */
public enum RecordKind {
    /** Exact inputs, copied by the decoy. */
    DECOY("decoy"),
    /** Every model's answer or error. */
    SCORES("scores"),
    /** What the rendezvous served, and why. */
    RESULTS("results");

    private final String dirName;

    RecordKind(String dirName) {
        this.dirName = dirName;
    }

    /** The directory and segment-file name prefix: {@code decoy}, {@code scores} or {@code results}. */
    public String dirName() {
        return dirName;
    }

    public String topic(TopicNames names, String app) {
        return switch (this) {
            case DECOY -> names.decoy(app);
            case SCORES -> names.scores(app);
            case RESULTS -> names.results(app);
        };
    }
}
