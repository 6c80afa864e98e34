package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AnswerCountersTest {
    @Test
    void countsEachAppAndOutcomeOnItsOwnCounterTaggedWithTheApi() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AnswerCounters answers = new AnswerCounters(registry, "v1");

        answers.count("fraud", "model");
        answers.count("fraud", "model");
        answers.count("fraud", "fallback");
        answers.count("loans", "model");

        assertThat(count(registry, "fraud", "model")).isEqualTo(2);
        assertThat(count(registry, "fraud", "fallback")).isEqualTo(1);
        assertThat(count(registry, "loans", "model")).isEqualTo(1);
        assertThat(registry.find("rdv.gateway.answers").counters()).hasSize(3);
    }

    private static double count(SimpleMeterRegistry registry, String app, String outcome) {
        return registry.get("rdv.gateway.answers").tags("app", app, "api", "v1", "outcome", outcome).counter().count();
    }
}
