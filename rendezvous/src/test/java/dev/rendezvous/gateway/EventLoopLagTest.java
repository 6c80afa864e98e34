package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The event loops' learnt lag, and the margin by which a request's timeout fires before deadline + grace. */
class EventLoopLagTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final EventLoopLag lag = new EventLoopLag(now::get);

    @Test
    void isNothingBeforeAnySample() {
        assertThat(lag.p99Ms()).isZero();
        assertThat(lag.timeoutMarginMs(500)).isZero();
    }

    @Test
    void isThePercentile99OfTheNewestSamples() {
        for (int i = 1; i <= 100; i++) {
            lag.record(i);
        }
        assertThat(lag.p99Ms()).isEqualTo(99);
        // Only the newest window counts: 256 samples of 2 ms push the old ones out.
        for (int i = 0; i < EventLoopLag.WINDOW; i++) {
            lag.record(2);
        }
        now.addAndGet(EventLoopLag.RECOMPUTE_EVERY_MS);
        assertThat(lag.p99Ms()).isEqualTo(2);
    }

    @Test
    void isRecomputedAtMostEveryQuarterSecond() {
        lag.record(10);
        assertThat(lag.p99Ms()).isEqualTo(10);
        lag.record(300);
        lag.record(300);
        assertThat(lag.p99Ms()).as("within the recompute interval").isEqualTo(10);
        now.addAndGet(EventLoopLag.RECOMPUTE_EVERY_MS);
        assertThat(lag.p99Ms()).isEqualTo(300);
    }

    @Test
    void marginIsTheLagButAtMostHalfTheGrace() {
        lag.record(40);
        assertThat(lag.timeoutMarginMs(500)).isEqualTo(40);
        assertThat(lag.timeoutMarginMs(50)).isEqualTo(25);
        assertThat(lag.timeoutMarginMs(0)).isZero();
    }

    @Test
    void samplesARealEventLoopThatIsHeldUp() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            EventLoopLag real = new EventLoopLag(() -> System.nanoTime() / 1_000_000);
            io.vertx.core.Context context = vertx.getOrCreateContext();
            real.sample(vertx, context);
            real.sample(vertx, context);
            // Hold the loop for 300 ms: the sampler's next timer fires that much late.
            context.runOnContext(v -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Awaitility.await().atMost(5, TimeUnit.SECONDS).pollInterval(300, TimeUnit.MILLISECONDS)
                    .untilAsserted(() -> assertThat(real.p99Ms()).isGreaterThanOrEqualTo(200));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
