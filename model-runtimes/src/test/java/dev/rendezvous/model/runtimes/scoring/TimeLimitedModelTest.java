package dev.rendezvous.model.runtimes.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeLimitedModelTest {
    private static final Map<String, TensorValue> INPUTS = Map.of("input", TensorValue.of(new float[] {1, 2}, 1, 2));
    private static final int TIMEOUT_MS = 50;

    /** Answers at once, or, while hanging, waits for its gate deaf to interrupts, like a call stuck in native code. */
    private static class StuckModel implements BatchModel {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        final List<CountDownLatch> gates = new ArrayList<>();
        volatile boolean hanging;
        boolean concurrent;
        final List<Long> deadlines = new ArrayList<>();
        volatile Thread calledOn;

        @Override
        public Signature signature() {
            return new Signature(List.of(new TensorSpec("input", DataType.FP32, List.of(-1L, 2L))),
                    List.of(new TensorSpec("output", DataType.FP32, List.of(-1L, 2L))));
        }

        @Override
        public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) {
            calls.incrementAndGet();
            calledOn = Thread.currentThread();
            synchronized (deadlines) {
                deadlines.add(deadlineAtMs);
            }
            if (hanging) {
                CountDownLatch gate = new CountDownLatch(1);
                synchronized (gates) {
                    gates.add(gate);
                }
                while (gate.getCount() > 0) {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        // deaf to it
                    }
                }
            }
            return Map.of("output", inputs.get("input"));
        }

        @Override
        public List<Inference> inferEach(List<Map<String, TensorValue>> inputs, List<Long> deadlinesAtMs) {
            if (!concurrent) {
                return BatchModel.super.inferEach(inputs, deadlinesAtMs);
            }
            List<Inference> results = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                results.add(new Inference(infer(inputs.get(i), deadlinesAtMs.get(i)), null, 1));
            }
            return results;
        }

        @Override
        public boolean callsEachConcurrently() {
            return concurrent;
        }

        void releaseOne() {
            synchronized (gates) {
                gates.remove(0).countDown();
            }
        }

        void releaseAll() {
            synchronized (gates) {
                gates.forEach(CountDownLatch::countDown);
                gates.clear();
            }
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private final StuckModel stuck = new StuckModel();
    private final TimeLimitedModel model = new TimeLimitedModel(stuck, TIMEOUT_MS, "fraud/fraud-lr@2");

    @AfterEach
    void release() {
        stuck.releaseAll();
        model.close();
    }

    @Test
    void abandonsACallPastTheTimeoutAndRunsTheNextOnAFreshThread() throws Exception {
        stuck.hanging = true;
        assertThatThrownBy(() -> model.infer(INPUTS, Long.MAX_VALUE)).isInstanceOf(CallTimeoutException.class)
                .hasMessage("the model call did not return within callTimeoutMs (50 ms); the runner stopped waiting for it");
        assertThat(model.stuckCalls()).isEqualTo(1);

        stuck.hanging = false;
        assertThat(model.infer(INPUTS, Long.MAX_VALUE)).containsKey("output");
        assertThat(model.isResponsive()).isTrue();

        stuck.releaseAll();
        await().atMost(Duration.ofSeconds(10)).until(() -> model.stuckCalls() == 0);
    }

    @Test
    void stopsCallingTheModelWhileTooManyCallsAreStuckAndCallsItAgainOnceOneReturns() throws Exception {
        stuck.hanging = true;
        for (int i = 0; i < TimeLimitedModel.MAX_STUCK_CALLS; i++) {
            assertThatThrownBy(() -> model.infer(INPUTS, Long.MAX_VALUE)).isInstanceOf(CallTimeoutException.class);
        }
        assertThat(model.isResponsive()).isFalse();

        assertThatThrownBy(() -> model.infer(INPUTS, Long.MAX_VALUE)).isInstanceOf(ModelFailureException.class)
                .isNotInstanceOf(CallTimeoutException.class)
                .hasMessageContaining("the model was not called: 4 earlier calls exceeded callTimeoutMs (50 ms) and are still running");
        assertThat(stuck.calls).hasValue(TimeLimitedModel.MAX_STUCK_CALLS);

        stuck.hanging = false;
        stuck.releaseOne();
        await().atMost(Duration.ofSeconds(10)).until(model::isResponsive);
        assertThat(model.infer(INPUTS, Long.MAX_VALUE)).containsKey("output");
    }

    @Test
    void closesTheModelOnlyOnceTheStuckCallsReturn() {
        stuck.hanging = true;
        assertThatThrownBy(() -> model.infer(INPUTS, Long.MAX_VALUE)).isInstanceOf(CallTimeoutException.class);

        model.close();
        assertThat(stuck.closed).isFalse();

        stuck.releaseAll();
        await().atMost(Duration.ofSeconds(10)).untilTrue(stuck.closed);
    }

    @Test
    void letsAModelThatBoundsItsOwnCallsRunThemWithDeadlinesCappedAtTheTimeout() {
        // A remote model times out each HTTP call by its deadline: one bounded call around the batch threw
        // away the answers that had come back whenever one was slow, so it gets capped deadlines instead.
        stuck.concurrent = true;
        long now = System.currentTimeMillis();

        List<BatchModel.Inference> results = model.inferEach(List.of(INPUTS, INPUTS), List.of(Long.MAX_VALUE, now + 10));

        assertThat(results).hasSize(2).allSatisfy(result -> assertThat(result.failure()).isNull());
        assertThat(stuck.deadlines.get(0)).as("capped at callTimeoutMs from now").isBetween(now + TIMEOUT_MS, now + TIMEOUT_MS + 1_000);
        assertThat(stuck.deadlines.get(1)).as("an earlier deadline is kept").isEqualTo(now + 10);
        assertThat(stuck.calledOn).as("no worker thread").isSameAs(Thread.currentThread());
        assertThat(model.stuckCalls()).isZero();
    }

    @Test
    void marksEachTimedOutCallOfAModelThatRunsThemOneAfterAnother() {
        stuck.hanging = true;

        List<BatchModel.Inference> results = model.inferEach(List.of(INPUTS, INPUTS), List.of(Long.MAX_VALUE, Long.MAX_VALUE));

        assertThat(results).extracting(BatchModel.Inference::timedOut).containsExactly(true, true);
        assertThat(model.stuckCalls()).isEqualTo(2);
    }

    @Test
    void passesAModelFailureOnAsItIs() {
        TimeLimitedModel failing = new TimeLimitedModel(new StuckModel() {
            @Override
            public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) {
                throw new IllegalStateException("index 5 out of bounds");
            }
        }, TIMEOUT_MS, "fraud/fraud-lr@2");

        assertThatThrownBy(() -> failing.infer(INPUTS, Long.MAX_VALUE)).isInstanceOf(IllegalStateException.class)
                .hasMessage("index 5 out of bounds");
        failing.close();
    }
}
