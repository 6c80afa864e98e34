package dev.rendezvous.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyParserTest {
    private static final String VALID_STAGES = """
            stages:
              - until: 10ms
                accept: [fraud-gbt@7]
              - accept: [any-live]
            """;

    @Test
    void readsTheBriefsExampleIntoRecords() {
        Policy policy = PolicyParser.parse(TestPolicies.text("fraud-split"), 42);

        Policy expected = new Policy("fraud", 42, 40,
                List.of(new Stage(10, List.of(exact("fraud-gbt@7"))),
                        new Stage(25, List.of(exact("fraud-gbt@7"), exact("fraud-lr@3"))),
                        new Stage(40, List.of(new Selector.AnyLive()))),
                List.of(new SplitVariant(0.9, List.of(exact("fraud-gbt@7"))),
                        new SplitVariant(0.1, List.of(exact("fraud-gbt@8")))),
                new Fallback(JsonNodeFactory.instance.objectNode().put("score", 0.0), "no model answered in time"));
        assertThat(policy).isEqualTo(expected);
    }

    @Test
    void readsJsonLikeYaml() {
        String json = """
                {"app": "fraud", "deadline": "40ms",
                 "stages": [{"until": "10ms", "accept": ["fraud-gbt@7"]},
                            {"until": "25ms", "accept": ["fraud-gbt@7", "fraud-lr@3"]},
                            {"until": 40, "accept": ["any-live"]}],
                 "split": [{"weight": 0.9, "prefer": ["fraud-gbt@7"]}, {"weight": 0.1, "prefer": ["fraud-gbt@8"]}],
                 "fallback": {"output": {"score": 0.0}, "reason": "no model answered in time"}}
                """;

        assertThat(PolicyParser.parse(json, 1)).isEqualTo(TestPolicies.load("fraud-split"));
    }

    @ParameterizedTest(name = "deadline {0} is {1}ms")
    @CsvSource(delimiter = '|', value = {"40ms | 40", "1s | 1000", "40 | 40", "'\"40\"' | 40", "2500ms | 2500", "300s | 300000"})
    void readsDurationsInMillisecondsOrSeconds(String written, long expectedMs) {
        Policy policy = PolicyParser.parse("app: fraud\ndeadline: " + written + "\nstages:\n  - accept: [any-live]\n", 1);

        assertThat(policy.deadlineMs()).isEqualTo(expectedMs);
    }

    @Test
    void endsALastStageWithoutUntilAtTheDeadline() {
        Policy policy = PolicyParser.parse("app: fraud\ndeadline: 40ms\n" + VALID_STAGES, 1);

        assertThat(policy.stages()).extracting(Stage::untilMs).containsExactly(10L, 40L);
    }

    @Test
    void givesThePolicyTheVersionItIsStoredUnder() {
        assertThat(PolicyParser.parse(TestPolicies.text("fraud"), 17).version()).isEqualTo(17);
        assertThat(TestPolicies.load("fraud").withVersion(18).version()).isEqualTo(18);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fraud", "fraud-split", "fraud-no-fallback", "canary", "two-lists", "family"})
    void readsBackWhatItWrites(String name) {
        Policy policy = TestPolicies.load(name);

        assertThat(PolicyParser.parse(PolicyWriter.toJson(policy).toString(), policy.version())).isEqualTo(policy);
    }

    static Stream<Arguments> badPolicies() {
        return Stream.of(
                bad("an unknown field is named with its path",
                        "app: fraud\ndeadline: 40ms\n" + "stages:\n  - until: 40ms\n    acept: [any-live]\n",
                        "stages[0].acept: unknown field; expected one of until, accept",
                        "stages[0].accept: missing; expected a list of selectors, e.g. [fraud-gbt@7, any-live]"),
                bad("a misspelt top-level field leaves the real one missing",
                        "app: fraud\ndeadlin: 40ms\n" + VALID_STAGES,
                        "deadlin: unknown field; expected one of app, deadline, stages, split, fallback",
                        "deadline: missing; expected an integer number of milliseconds, '<n>ms' or '<n>s'"),
                bad("stages must strictly increase",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 10ms, accept: [a@1]}\n  - {until: 10ms, accept: [b@1]}\n  - {accept: [any-live]}\n",
                        "stages[1].until: 10ms does not come after stages[0].until (10ms); stages must strictly increase"),
                bad("a stage may not end past the deadline",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 10ms, accept: [a@1]}\n  - {until: 50ms, accept: [any-live]}\n",
                        "stages[1].until: 50ms is past the deadline (40ms)"),
                bad("the last stage must end at the deadline",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 10ms, accept: [a@1]}\n  - {until: 30ms, accept: [any-live]}\n",
                        "stages[1].until: the last stage must end at the deadline (40ms), was 30ms; leave until out to end it at the deadline"),
                bad("only the last stage may leave until out",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {accept: [a@1]}\n  - {accept: [any-live]}\n",
                        "stages[0].until: missing; only the last stage may leave it out (it then ends at the deadline)"),
                bad("until must be positive",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 0ms, accept: [a@1]}\n  - {accept: [any-live]}\n",
                        "stages[0].until: must be positive, was 0ms"),
                bad("a stage must accept something",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 40ms, accept: []}\n",
                        "stages[0].accept: must list at least one selector"),
                bad("accept must be a list",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 40ms, accept: any-live}\n",
                        "stages[0].accept: expected a list of selectors, e.g. [any-live]"),
                bad("every unknown selector is named",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - accept: [fraud-gbt, 'role:boss', a@b@c, 7, any-live]\n",
                        "stages[0].accept[0]: 'fraud-gbt' is not a selector; " + Selector.SYNTAX,
                        "stages[0].accept[1]: role 'boss' is unknown; expected one of live, shadow, canary, retired",
                        "stages[0].accept[2]: model reference 'a@b@c' is not of the form name@version",
                        "stages[0].accept[3]: expected a selector string, was 7; " + Selector.SYNTAX),
                bad("split weights must sum to 1",
                        "app: fraud\ndeadline: 40ms\n" + VALID_STAGES + "split:\n  - {weight: 0.5, prefer: [a@1]}\n  - {weight: 0.4, prefer: [b@1]}\n",
                        "split: weights sum to 0.9; they must sum to 1 (±1e-9)"),
                bad("each split weight must lie between 0 and 1",
                        "app: fraud\ndeadline: 40ms\n" + VALID_STAGES + "split:\n  - {weight: -0.1, prefer: [a@1]}\n  - {weight: 1.1, prefer: [b@1]}\n",
                        "split[0].weight: must be between 0 and 1, was -0.1",
                        "split[1].weight: must be between 0 and 1, was 1.1"),
                bad("a split variant must prefer something",
                        "app: fraud\ndeadline: 40ms\n" + VALID_STAGES + "split:\n  - {weight: 1}\n",
                        "split[0].prefer: missing; expected a list of selectors, e.g. [fraud-gbt@7, any-live]"),
                bad("an empty split is a mistake",
                        "app: fraud\ndeadline: 40ms\n" + VALID_STAGES + "split: []\n",
                        "split: must list at least one variant, or be left out"),
                bad("a zero deadline is rejected",
                        "app: fraud\ndeadline: 0ms\n" + VALID_STAGES,
                        "deadline: must be positive, was 0ms"),
                bad("a negative deadline is rejected",
                        "app: fraud\ndeadline: -5\n" + VALID_STAGES,
                        "deadline: must be positive, was -5ms"),
                bad("a deadline must be a duration",
                        "app: fraud\ndeadline: forty\n" + VALID_STAGES,
                        "deadline: 'forty' is not a duration; expected an integer number of milliseconds, '<n>ms' or '<n>s'"),
                bad("a deadline has an upper bound",
                        "app: fraud\ndeadline: 600s\n" + VALID_STAGES,
                        "deadline: must be at most 300000ms, was 600000ms"),
                bad("the app must be a legal name",
                        "app: Fraud!\ndeadline: 40ms\n" + VALID_STAGES,
                        "app: 'Fraud!' is not a legal application name; expected 1-63 characters of lower-case letters, digits, '_' or '-', starting with a letter or digit"),
                bad("the version is not part of the document",
                        "app: fraud\nversion: 3\ndeadline: 40ms\n" + VALID_STAGES,
                        "version: not part of a policy document; the version is assigned when the policy is stored"),
                bad("a fallback needs an output",
                        "app: fraud\ndeadline: 40ms\n" + VALID_STAGES + "fallback: {reason: none}\n",
                        "fallback.output: missing; expected the JSON to serve, e.g. { score: 0.0 }"),
                bad("stages are required",
                        "app: fraud\ndeadline: 40ms\n",
                        "stages: missing; expected a list of stages, each with until and accept"),
                bad("at least one stage is required",
                        "app: fraud\ndeadline: 40ms\nstages: []\n",
                        "stages: must list at least one stage"),
                bad("a document that is not a mapping is rejected",
                        "just some text",
                        "$: a policy must be a mapping (YAML) or an object (JSON) with app, deadline and stages"),
                bad("every problem is reported at once, in document order",
                        "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 30ms, accept: [a@1]}\n  - {until: 20ms, accept: []}\n"
                                + "split:\n  - {weight: 0.5, prefer: [any-lve]}\nfallback: {output: 0, colour: red}\n",
                        "stages[1].until: the last stage must end at the deadline (40ms), was 20ms; leave until out to end it at the deadline",
                        "stages[1].until: 20ms does not come after stages[0].until (30ms); stages must strictly increase",
                        "stages[1].accept: must list at least one selector",
                        "split[0].prefer[0]: 'any-lve' is not a selector; " + Selector.SYNTAX,
                        "split: weights sum to 0.5; they must sum to 1 (±1e-9)",
                        "fallback.colour: unknown field; expected one of output, reason"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void rejectsABadPolicyNamingEveryProblemWithItsPath(String text, List<String> expectedProblems) {
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse(text, 1));

        assertThat(e).as("expected the policy to be rejected").isNotNull();
        assertThat(e.problems()).map(PolicyProblem::toString).containsExactlyElementsOf(expectedProblems);
        assertThat(e.getMessage()).contains(expectedProblems);
    }

    @Test
    void namesUnknownModelRefsWhenGivenTheRegistry() {
        Set<ModelRef> registered = Set.of(ModelRef.parse("fraud-gbt@7"), ModelRef.parse("fraud-lr@3"));
        String text = "app: fraud\ndeadline: 40ms\nstages:\n  - {until: 10ms, accept: [fraud-gbt@9]}\n  - accept: ['fraud-lr@*', any-live]\n"
                + "split:\n  - {weight: 0.5, prefer: [fraud-gbt@7]}\n  - {weight: 0.5, prefer: ['fraud-xgb@*']}\n";

        assertThatThrownBy(() -> PolicyParser.parse(text, 1, registered))
                .isInstanceOfSatisfying(PolicyValidationException.class, e -> assertThat(e.problems()).map(PolicyProblem::toString).containsExactly(
                        "stages[0].accept[0]: unknown model fraud-gbt@9; registered: fraud-gbt@7, fraud-lr@3",
                        "split[1].prefer[0]: no registered model is named fraud-xgb; registered: fraud-gbt@7, fraud-lr@3"));
    }

    @Test
    void acceptsThePolicyWhenEveryNamedModelIsRegistered() {
        Set<ModelRef> registered = Set.of(ModelRef.parse("fraud-gbt@7"), ModelRef.parse("fraud-gbt@8"), ModelRef.parse("fraud-lr@3"));

        assertThat(PolicyParser.parse(TestPolicies.text("fraud-split"), 1, registered).app()).isEqualTo("fraud");
    }

    @Test
    void rejectsADuplicateKey() {
        assertThatThrownBy(() -> PolicyParser.parse("app: fraud\ndeadline: 40ms\ndeadline: 50ms\n" + VALID_STAGES, 1))
                .isInstanceOfSatisfying(PolicyValidationException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(problem -> {
                            assertThat(problem.path()).isEqualTo("$");
                            assertThat(problem.message()).startsWith("not valid YAML: ").contains("Duplicate field 'deadline'");
                        }));
    }

    @Test
    void reportsWhereAMalformedDocumentBreaks() {
        assertThatThrownBy(() -> PolicyParser.parse("{\"app\": \"fraud\",\n \"deadline\": }", 1))
                .isInstanceOfSatisfying(PolicyValidationException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(problem -> assertThat(problem.message()).startsWith("not valid JSON: ").endsWith("(line 2, column 14)")));
    }

    @Test
    void rejectsAnEmptyDocument() {
        assertThatThrownBy(() -> PolicyParser.parse("  \n", 1))
                .isInstanceOfSatisfying(PolicyValidationException.class, e -> assertThat(e.problems())
                        .containsExactly(new PolicyProblem("$", "the policy document is empty")));
    }

    @Test
    void knowsWhichModelsItCouldEverServe() {
        Policy policy = TestPolicies.load("fraud-split");

        assertThat(policy.canServe(ModelRef.parse("fraud-gbt@8"), ModelRole.CANARY)).as("named by the split").isTrue();
        assertThat(policy.canServe(ModelRef.parse("fraud-rf@2"), ModelRole.LIVE)).as("any-live").isTrue();
        assertThat(policy.canServe(ModelRef.parse("fraud-nn@1"), ModelRole.SHADOW)).as("a shadow nobody names").isFalse();
    }

    private static Arguments bad(String name, String text, String... problems) {
        return Arguments.of(Named.of(name, text), List.of(problems));
    }

    private static Selector exact(String ref) {
        return new Selector.Exact(ModelRef.parse(ref));
    }
}
