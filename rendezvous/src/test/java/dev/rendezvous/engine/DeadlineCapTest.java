package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision says when the engine cut a request's deadline to the policy's, and only then. */
class DeadlineCapTest {
    private static final Policy POLICY = PolicyParser.parse("""
            app: fraud
            deadline: 100ms
            stages:
              - accept: [fraud-lr@1]
            fallback: {output: {label: legit}, reason: none in time}
            """, 4);

    @ParameterizedTest(name = "asked for {0} ms")
    @CsvSource({"60000, true", "101, true", "100, false", "30, false"})
    void recordsTheRequestedDeadlineWhenTheEngineCapsIt(long requestedMs, boolean capped) {
        long received = 1_000_000L;
        ScoringRequest request = new ScoringRequest("r-1", "fraud", JsonCodec.mapper().createObjectNode().put("amount", 1), null,
                received, received + requestedMs, null, null);
        PolicyArbiter arbiter = new PolicyArbiter(POLICY, Set::of);

        // Nobody is expected, so the decision is due at once; the effective deadline is min(policy, requested).
        Verdict verdict = arbiter.evaluate(request, List.of(), received + Math.min(100, requestedMs));

        assertThat(verdict).isInstanceOf(Verdict.Decide.class);
        Decision decision = ((Verdict.Decide) verdict).decision();
        assertThat(decision.deadlineClamped()).isEqualTo(capped ? Boolean.TRUE : null);
        assertThat(decision.requestedDeadlineMs()).isEqualTo(capped ? Long.valueOf(requestedMs) : null);
        assertThat(new String(JsonCodec.encode(decision))).as("absent from the record unless capped")
                .contains(capped ? "\"deadlineClamped\":true" : "\"decidedAtMs\"")
                .doesNotContain(capped ? "\"deadlineClamped\":false" : "deadlineClamped");
    }
}
