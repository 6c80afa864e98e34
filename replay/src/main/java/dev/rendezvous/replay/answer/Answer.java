package dev.rendezvous.replay.answer;

/**
 * What one side of a comparison answered for one request, reduced to what agreement is defined on.
 *
 * @param label the answer's label ({@code output.label}), null when it has none
 * @param score the answer's score (see {@link AnswerReader}), NaN when it has none
 * @param error why there is no answer (a score error code, {@code timeout}, {@code missing}), null when there is one
 */
public record Answer(String label, double score, String error) {
    /** The error of an input whose bytes are not a scoring request. */
    public static final String UNDECODABLE = "undecodable";
    /**
     * The error of an input the decoy redacted before the archive (dropped, hashed or truncated features):
     * the archived copy is not what the models scored, so it is not replayed and not compared.
     */
    public static final String NOT_REPRODUCIBLE = "not-reproducible-redacted";

    public static Answer failed(String error) {
        return new Answer(null, Double.NaN, error);
    }

    public boolean ok() {
        return error == null;
    }

    public boolean hasScore() {
        return !Double.isNaN(score);
    }

    public boolean hasLabel() {
        return label != null;
    }
}
