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
    void isNothingBeforeAnySampleSoTheMarginIsTheFloor() {
        assertThat(lag.slowestMs()).isZero();
        assertThat(lag.timeoutMarginMs(500)).isEqualTo(500 / EventLoopLag.GRACE_FLOOR_DIVISOR);
    }

    @Test
    void isTheSlowestOfTheNewestSamples() {
        for (int i = 1; i <= 100; i++) {
            lag.record(i);
        }
        assertThat(lag.slowestMs()).isEqualTo(100);
        // Only the newest window counts: a window of 2 ms samples pushes the old ones out.
        for (int i = 0; i < EventLoopLag.WINDOW; i++) {
            lag.record(2);
        }
        assertThat(lag.slowestMs()).isEqualTo(2);
        lag.record(70);
        assertThat(lag.slowestMs()).as("one stall is enough").isEqualTo(70);
    }

    @Test
    void marginIsTheLagAboveAFloorOfATenthAndAtMostHalfTheGrace() {
        lag.record(40);
        assertThat(lag.timeoutMarginMs(500)).isEqualTo(50);
        assertThat(lag.timeoutMarginMs(300)).isEqualTo(40);
        assertThat(lag.timeoutMarginMs(50)).isEqualTo(25);
        assertThat(lag.timeoutMarginMs(0)).isZero();
        lag.record(10);
        assertThat(lag.timeoutMarginMs(2_000)).as("the floor").isEqualTo(200);
    }

    @Test
    void samplesARealEventLoopThatIsHeldUp() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            EventLoopLag real = new EventLoopLag(() -> System.nanoTime() / 1_000_000);
            io.vertx.core.Context context = vertx.getOrCreateContext();
            real.sample(vertx, context);
            real.sample(vertx, context);
            // Hold the loop for 300 ms: the sampler's next timer fires about 250 ms late.
            context.runOnContext(v -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Awaitility.await().atMost(5, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS)
                    .untilAsserted(() -> assertThat(real.slowestMs()).isGreaterThanOrEqualTo(200));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
