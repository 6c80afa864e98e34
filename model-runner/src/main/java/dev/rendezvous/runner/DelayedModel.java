package dev.rendezvous.runner;

import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.ModelFailureException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model made slower on purpose ({@link RunnerOptions#delayMs()}), or hanging on its first calls
 * ({@link RunnerOptions#hangingCalls()}): the delay counts as inference time.
 */
final class DelayedModel implements BatchModel {
    private final BatchModel model;
    private final long delayMs;
    private final AtomicInteger hangsLeft;
    private final long hangMs;

    DelayedModel(BatchModel model, RunnerOptions options) {
        this.model = model;
        this.delayMs = options.delayMs();
        this.hangsLeft = new AtomicInteger(options.hangingCalls());
        this.hangMs = options.hangMs();
    }

    @Override
    public Signature signature() {
        return model.signature();
    }

    @Override
    public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
        if (hangsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            hangIgnoringInterrupts();
        }
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelFailureException("interrupted while simulating a slow model", e);
            }
        }
        return model.infer(inputs, deadlineAtMs);
    }

    /** Like a call stuck in native code, which an interrupt does not end. */
    private void hangIgnoringInterrupts() {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hangMs);
        boolean interrupted = false;
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean stacksRequests() {
        return model.stacksRequests();
    }

    @Override
    public void close() {
        model.close();
    }
}
