package dev.rendezvous.archiver;

import dev.rendezvous.protocol.TopicNames;

/** The kinds of topic the archiver reads; each has its own directory under the application's. */
public enum RecordKind {
    /** Exact inputs, copied by the decoy. */
    DECOY("decoy"),
    /** Every model's answer or error. */
    SCORES("scores"),
    /** What the rendezvous served, and why. */
    RESULTS("results"),
    /** Every version of every policy, from the compacted {@code rdv.policies}: compaction keeps only the newest. */
    POLICIES("policies"),
    /** Every registration and role change of every model version, from the compacted {@code rdv.models}. */
    MODELS("models");

    /**
     * Where the kinds shared by all applications (the control plane's topics) are archived: a name
     * that cannot be an application's, so that no app's directory, snapshot or retention touches it.
     */
    public static final String CONTROL_DIR = "_control";

    private final String dirName;

    RecordKind(String dirName) {
        this.dirName = dirName;
    }

    /** Whether one topic holds this kind for every application (archived once, under {@link #CONTROL_DIR}). */
    public boolean controlPlane() {
        return this == POLICIES || this == MODELS;
    }

    /** The directory and segment-file name prefix: {@code decoy}, {@code scores}, {@code results}, {@code policies} or {@code models}. */
    public String dirName() {
        return dirName;
    }

    public String topic(TopicNames names, String app) {
        return switch (this) {
            case DECOY -> names.decoy(app);
            case SCORES -> names.scores(app);
            case RESULTS -> names.results(app);
            case POLICIES -> names.policies();
            case MODELS -> names.models();
        };
    }
}
