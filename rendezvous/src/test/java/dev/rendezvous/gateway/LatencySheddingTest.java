package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Latency shedding wired into admission: the limiter's verdicts, the answer delay, the settings and the gauges. */
class LatencySheddingTest {
    private static final long DEADLINE_MS = 100;
    private final AtomicLong now = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void refusesBeyondTheAdaptiveLimitWithItsOwnVerdictOnlyForTheSlowAppAndAdmitsAgainOnceAnswersAreQuick() {
        InflightLimiter limiter = limiter(SheddingConfig.DEFAULT, Set.of("slow", "quick"));
        acquire(limiter, "slow", 10);
        answerEveryWindow(limiter, "slow", 4, 80); // 10 in flight, the quickest 80 ms > 50 ms (half the deadline) each window

        assertThat(limiter.adaptiveLimit("slow").limit()).isEqualTo(8); // 16, 12, 9, then the floor
        assertThat(limiter.tryAcquire("slow")).isEqualTo(InflightLimiter.Admission.APP_OVER_LATENCY_TARGET);
        assertThat(limiter.tryAcquire("quick")).isEqualTo(InflightLimiter.Admission.ADMITTED);
        assertThat(limiter.inflight()).isEqualTo(9); // 8 slow (refusals hold no slot) and 1 quick

        answerEveryWindow(limiter, "slow", 3, 5);

        assertThat(limiter.adaptiveLimit("slow").limit()).isGreaterThan(10);
        assertThat(limiter.tryAcquire("slow")).isEqualTo(InflightLimiter.Admission.ADMITTED);
    }

    @Test
    void keepsOnlyTheStaticLimitsWhenSheddingIsDisabledHoweverSlowTheAnswers() {
        InflightLimiter limiter = limiter(SheddingConfig.DISABLED, Set.of("slow"));
        acquire(limiter, "slow", 10);
        answerEveryWindow(limiter, "slow", 20, 5_000);

        assertThat(limiter.adaptiveLimit("slow")).isNull();
        acquire(limiter, "slow", 10);
        assertThat(limiter.tryAcquire("slow")).isEqualTo(InflightLimiter.Admission.APP_FULL);
        assertThat(registry.get("rdv.gateway.inflight.limit").tag("app", "slow").gauge().value()).isEqualTo(20);
    }

    @Test
    void showsTheLimitTheQuickestAnswerDelayAndTheTargetAsGaugesPerApp() {
        InflightLimiter limiter = limiter(SheddingConfig.DEFAULT, Set.of("slow"));
        assertThat(registry.get("rdv.gateway.answer.delay.min.ms").tag("app", "slow").gauge().value()).isNaN();
        acquire(limiter, "slow", 10);
        answerEveryWindow(limiter, "slow", 1, 80);

        assertThat(registry.get("rdv.gateway.inflight.limit").tag("app", "slow").gauge().value()).isEqualTo(16);
        assertThat(registry.get("rdv.gateway.answer.delay.min.ms").tag("app", "slow").gauge().value()).isEqualTo(80);
        assertThat(registry.get("rdv.gateway.answer.delay.target.ms").tag("app", "slow").gauge().value()).isEqualTo(50);
    }

    @ParameterizedTest(name = "{0} {1} decided at {2} (deadline 1100) -> policy wait {3}")
    @CsvSource({
            "model,    preferred,     1040, 0",   // decided as soon as it could: all of the latency counts
            "model,    stage-2,       1090, 0",
            "model,    preferred,     1300, 0",   // read late by an overloaded rendezvous: still counts whole
            "model,    deadline-best, 1100, 100", // the deadline rule at the deadline waited on purpose
            "fallback, fallback,      1100, 100",
            "fallback, fallback,      1250, 100", // decided late: the 150 ms past the deadline count
            "fallback, fallback,      1020, 0",   // nothing better could arrive (e.g. no model alive): early
            "timeout,  timeout,       1100, 100",
            "timeout,  no-policy,     1001, 0"})
    void excusesTheBudgetOnlyForDecisionsTheDeadlineRuleMadeAtTheDeadline(String outcome, String reason, long decidedAtMs, long expectedMs) {
        Decision decision = new Decision("r-1", "fraud", Outcome.parse(outcome), "model".equals(outcome) ? "m" : null,
                "model".equals(outcome) ? "1" : null, TextNode.valueOf("x"), reason, 1, null, List.of(), List.of(), 1_000, 1_100, decidedAtMs);

        assertThat(ScoringAdmission.policyWaitMs(DEADLINE_MS, Reply.of(decision))).isEqualTo(expectedMs);
    }

    @Test
    void excusesTheWholeBudgetForTheGatewaysOwnTimeout() {
        assertThat(ScoringAdmission.policyWaitMs(DEADLINE_MS, Reply.NONE_IN_TIME)).isEqualTo(DEADLINE_MS);
    }

    @Test
    void targetsHalfTheDeadlineUnlessATargetIsConfigured() {
        assertThat(SheddingConfig.DEFAULT.targetMs(100)).isEqualTo(50);
        assertThat(SheddingConfig.DEFAULT.targetMs(1)).isEqualTo(1);
        assertThat(new SheddingConfig(true, 30, 100, 8).targetMs(100)).isEqualTo(30);
    }

    @Test
    void refusesBadSheddingSettingsNamingTheKey() {
        GatewayConfig base = GatewayConfig.defaults("gw", "admin-token-0123456789");

        assertThat(base.shedding()).isEqualTo(SheddingConfig.DEFAULT);
        assertThat(base.withShedding(null).shedding()).isEqualTo(SheddingConfig.DEFAULT);
        assertThatThrownBy(() -> new SheddingConfig(true, -1, 100, 8)).hasMessageContaining("gateway.shedding.targetLatencyMs");
        assertThatThrownBy(() -> new SheddingConfig(true, 0, 5, 8)).hasMessageContaining("gateway.shedding.windowMs").hasMessageContaining("was 5");
        assertThatThrownBy(() -> new SheddingConfig(true, 0, 100, 0)).hasMessageContaining("gateway.shedding.minLimit");
    }

    private InflightLimiter limiter(SheddingConfig shedding, Set<String> apps) {
        Map<String, AdaptiveLimit> limits = AdaptiveLimit.forApps(apps, shedding, 20, app -> DEADLINE_MS, now::get, registry);
        return new InflightLimiter(100, 20, limits);
    }

    private static void acquire(InflightLimiter limiter, String app, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(limiter.tryAcquire(app)).isEqualTo(InflightLimiter.Admission.ADMITTED);
        }
    }

    /** Closes {@code windows} windows, each with one answer of {@code delayMs}; the in-flight count stays as it is. */
    private void answerEveryWindow(InflightLimiter limiter, String app, int windows, long delayMs) {
        for (int i = 0; i <= windows; i++) {
            now.addAndGet(100);
            limiter.releaseAnswered(app, delayMs);
            assertThat(limiter.tryAcquire(app)).isIn(InflightLimiter.Admission.ADMITTED, InflightLimiter.Admission.APP_OVER_LATENCY_TARGET);
        }
    }
}
