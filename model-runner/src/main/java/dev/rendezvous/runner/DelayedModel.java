package dev.rendezvous.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.runner.scoring.BatchModel;
import dev.rendezvous.runner.scoring.ModelFailureException;
import java.util.List;

/** A model made slower on purpose ({@link RunnerOptions#delayMs()}): the delay counts as inference time. */
final class DelayedModel implements BatchModel {
    private final BatchModel model;
    private final long delayMs;

    DelayedModel(BatchModel model, long delayMs) {
        this.model = model;
        this.delayMs = delayMs;
    }

    @Override
    public List<String> outputNames() {
        return model.outputNames();
    }

    @Override
    public List<ObjectNode> score(float[][] rows) throws ModelFailureException {
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFailureException("interrupted while simulating a slow model", e);
        }
        return model.score(rows);
    }

    @Override
    public void close() {
        model.close();
    }
}
