package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's small pure parts: limiter, API keys, traceparent, deadlines, JSON limits, configuration. */
class GatewayPartsTest {

    @Test
    void admitsUpToThePerAppAndGatewayLimitsAndAgainAfterARelease() {
        InflightLimiter limiter = new InflightLimiter(3, 2);

        assertThat(limiter.tryAcquire("a")).isEqualTo(InflightLimiter.Admission.ADMITTED);
        assertThat(limiter.tryAcquire("a")).isEqualTo(InflightLimiter.Admission.ADMITTED);
        assertThat(limiter.tryAcquire("a")).isEqualTo(InflightLimiter.Admission.APP_FULL);
        assertThat(limiter.tryAcquire("b")).isEqualTo(InflightLimiter.Admission.ADMITTED);
        assertThat(limiter.tryAcquire("b")).isEqualTo(InflightLimiter.Admission.GATEWAY_FULL);
        limiter.release("a");
        assertThat(limiter.tryAcquire("b")).isEqualTo(InflightLimiter.Admission.ADMITTED);
        assertThat(limiter.inflight()).isEqualTo(3);
    }

    @Test
    void refusesEverythingWhileDrainingAndReportsIdleOnceTheLastOneIsReleased() throws Exception {
        InflightLimiter limiter = new InflightLimiter(10, 10);
        limiter.tryAcquire("a");
        limiter.startDraining();

        assertThat(limiter.tryAcquire("a")).isEqualTo(InflightLimiter.Admission.DRAINING);
        assertThat(limiter.awaitIdle(10)).isFalse();
        limiter.release("a");
        assertThat(limiter.awaitIdle(10)).isTrue();
    }

    @Test
    void acceptsAConfiguredKeyFromEitherHeaderAndRefusesMissingOrWrongOnes() {
        ApiKeys keys = new ApiKeys(Map.of("fraud", Set.of("key-fraud-0123456789", "key-fraud-second-0001")));

        keys.check("fraud", "key-fraud-0123456789", null);
        keys.check("fraud", null, "Bearer key-fraud-second-0001");
        keys.check("open", null, null);
        assertThat(catchThrowableOfType(() -> keys.check("fraud", null, null), ApiError.class).status()).isEqualTo(401);
        assertThat(catchThrowableOfType(() -> keys.check("fraud", null, "Basic abc"), ApiError.class).status()).isEqualTo(401);
        assertThat(catchThrowableOfType(() -> keys.check("fraud", "key-fraud-0123456780", null), ApiError.class).status()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future-field"})
    void keepsAWellFormedTraceparent(String header) {
        assertThat(TraceParent.validOrNull(header)).isEqualTo(header);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"})
    void ignoresAMalformedTraceparent(String header) {
        assertThat(TraceParent.validOrNull(header)).isNull();
    }

    @ParameterizedTest(name = "asked {0}, allowed {1} -> {2} clamped={3}")
    @CsvSource(nullValues = "null", value = {"null, 40, 40, false", "10, 40, 10, false", "40, 40, 40, false", "90, 40, 40, true"})
    void clampsADeadlineLongerThanAllowedAndSaysSo(Long requested, long max, long expected, boolean clamped) {
        DeadlineBudget budget = DeadlineBudget.of(requested, max);

        assertThat(budget.ms()).isEqualTo(expected);
        assertThat(budget.clamped()).isEqualTo(clamped);
    }

    @Test
    void takesTheTighterOfTwoDeadlineWishes() {
        assertThat(DeadlineBudget.tighter(null, null)).isNull();
        assertThat(DeadlineBudget.tighter(5L, null)).isEqualTo(5L);
        assertThat(DeadlineBudget.tighter(5L, 3L)).isEqualTo(3L);
    }

    @Test
    void refusesJsonNestedDeeperOrWithLongerArraysThanTheLimits() {
        JsonBodyReader reader = new JsonBodyReader(8, 10);

        ApiError deep = catchThrowableOfType(() -> reader.readObject(Buffer.buffer("{\"a\":" + "[".repeat(9) + "]".repeat(9) + "}"), "x"),
                ApiError.class);
        ApiError longArray = catchThrowableOfType(() -> reader.readObject(Buffer.buffer("{\"a\": {\"b\": [1,2,3,4,5,6,7,8,9,10,11]}}"), "x"),
                ApiError.class);

        assertThat(deep.getMessage()).contains("nesting depth");
        assertThat(longArray.where()).isEqualTo("body.a.b");
        assertThat(longArray.getMessage()).contains("11 elements").contains("at most 10");
        assertThat(reader.readObject(Buffer.buffer("{\"a\": [[[1]]]}"), "x").path("a").size()).isEqualTo(1);
    }

    @Test
    void validatesNewConfigurationSettingsNamingTheKey() {
        GatewayConfig base = GatewayConfig.defaults("gw", "admin-token-0123456789");

        assertThat(base.maxInflight()).isEqualTo(10_000);
        assertThat(base.maxInflightPerApp()).isEqualTo(5_000);
        assertThat(base.maxJsonDepth()).isEqualTo(32);
        assertThat(base.maxArrayLength()).isEqualTo(100_000);
        assertThat(base.apiKeys()).isEmpty();
        assertThatThrownBy(() -> base.withInflightLimits(10, 20)).hasMessageContaining("gateway.maxInflightPerApp");
        assertThatThrownBy(() -> base.withApiKeys(Map.of("fraud", Set.of("short")))).hasMessageContaining("gateway.apiKeys.fraud");
        assertThat(base.bodyTimeoutMs()).isEqualTo(10_000);
        assertThat(base.onInvalidInput("fraud")).isEqualTo(InvalidInputAction.REJECT);
        assertThat(base.withOnInvalidInput(Map.of("fraud", InvalidInputAction.FALLBACK)).onInvalidInput("fraud")).isEqualTo(InvalidInputAction.FALLBACK);
        assertThatThrownBy(() -> base.withBodyTimeoutMs(50)).hasMessageContaining("gateway.bodyTimeoutMs must be 100-600000, was 50");
    }
}
