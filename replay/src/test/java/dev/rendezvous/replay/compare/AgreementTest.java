package dev.rendezvous.replay.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.replay.answer.Answer;
import dev.rendezvous.replay.answer.AnswerReader;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How answers are read out of outputs and when two answers agree. */
class AgreementTest {
    private static final AnswerReader FRAUD_FIRST = new AnswerReader(new OutputMapping("output", List.of("fraud", "legit")), "fraud");
    private static final AnswerReader NO_LABELS = new AnswerReader(OutputMapping.none(), "fraud");

    @ParameterizedTest(name = "{0} -> label {1}, score {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "{\"output\":[0.25,0.75],\"label\":\"legit\"}                 | legit | 0.25",
            "{\"output\":[[0.9,0.1]],\"label\":\"fraud\"}                 | fraud | 0.9",
            "{\"label\":\"legit\",\"probabilities\":{\"legit\":1.0}}      | legit | NaN",
            "0.42                                                         | null  | 0.42",
            "{\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[0.3,0.7]}]} | null | 0.3",
    })
    void readsLabelAndPositiveClassScore(String output, String label, double score) throws Exception {
        Answer answer = FRAUD_FIRST.read(JsonCodec.mapper().readTree(output));

        assertThat(answer.label()).isEqualTo(label);
        assertThat(Double.valueOf(answer.score())).isEqualTo(Double.valueOf(score));
    }

    @ParameterizedTest(name = "{0} -> score {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"scores\":[0.6,0.4]}   | 0.6",
            "{\"output\":[7.5]}       | 7.5",
    })
    void takesTheFirstValueWithoutLabels(String output, double score) throws Exception {
        assertThat(NO_LABELS.read(JsonCodec.mapper().readTree(output)).score()).isEqualTo(score);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "fraud | 0.9  | fraud | 0.2  | AGREE_BY_LABEL",
            "fraud | 0.9  | legit | 0.9  | DISAGREE_BY_LABEL",
            "null  | 0.5  | null  | 0.5  | AGREE_BY_SCORE",
            "null  | 0.5  | null  | 0.50000099 | AGREE_BY_SCORE",
            "null  | 0.5  | null  | 0.5000011 | DISAGREE_BY_SCORE",
            "fraud | 0.5  | null  | 0.5  | AGREE_BY_SCORE",
            "fraud | NaN  | null  | 0.5  | INCOMPARABLE",
    })
    void agreesByLabelFirstThenByScoreWithinEpsilon(String labelA, double scoreA, String labelB, double scoreB, AgreementRule.Verdict verdict) {
        AgreementRule rule = new AgreementRule(1e-6);

        assertThat(rule.judge(new Answer(labelA, scoreA, null), new Answer(labelB, scoreB, null))).isEqualTo(verdict);
    }
}
