package dev.rendezvous.runner;

import dev.rendezvous.runner.api.Signature;
import dev.rendezvous.runner.api.TensorValue;
import dev.rendezvous.runner.scoring.BatchModel;
import dev.rendezvous.runner.scoring.ModelFailureException;
import java.util.Map;

/** A model made slower on purpose ({@link RunnerOptions#delayMs()}): the delay counts as inference time. */
final class DelayedModel implements BatchModel {
    private final BatchModel model;
    private final long delayMs;

    DelayedModel(BatchModel model, long delayMs) {
        this.model = model;
        this.delayMs = delayMs;
    }

    @Override
    public Signature signature() {
        return model.signature();
    }

    @Override
    public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFailureException("interrupted while simulating a slow model", e);
        }
        return model.infer(inputs, deadlineAtMs);
    }

    @Override
    public void close() {
        model.close();
    }
}
