package dev.rendezvous.runner;

import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import java.util.Objects;

/**
 * How a runner behaves beyond what its manifest says: knobs for tests and demonstrations that need a
 * slow model, one that fails on some inputs or one that hangs. Production runners use {@link #defaults()}.
 *
 * @param delayMs      extra time each model call takes, simulating a slow model
 * @param failures     which requests the model fails on, reported as {@code model-failure} scores
 * @param hangingCalls how many of the first model calls hang, like a model stuck in native code: each
 *                     ignores interrupts for {@code hangMs}, then goes on normally
 * @param hangMs       how long each of those calls hangs
 */
public record RunnerOptions(long delayMs, FailureInjector failures, int hangingCalls, long hangMs) {

    public RunnerOptions {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs is " + delayMs + "; expected 0 or more milliseconds");
        }
        Objects.requireNonNull(failures, "failures");
        if (hangingCalls < 0 || hangMs < 0) {
            throw new IllegalArgumentException("hangingCalls is " + hangingCalls + " and hangMs " + hangMs + "; expected 0 or more of each");
        }
    }

    public static RunnerOptions defaults() {
        return new RunnerOptions(0, FailureInjector.NONE, 0, 0);
    }

    public RunnerOptions withDelayMs(long delay) {
        return new RunnerOptions(delay, failures, hangingCalls, hangMs);
    }

    /** Fails every request whose numeric feature {@code feature} is above {@code threshold}. */
    public RunnerOptions failingWhenFeatureAbove(String feature, double threshold) {
        return new RunnerOptions(delayMs, FailureInjector.featureAbove(feature, threshold), hangingCalls, hangMs);
    }

    /** Makes the first {@code calls} model calls hang for {@code hangMs} each, deaf to interrupts; later calls are normal. */
    public RunnerOptions hangingFirstCalls(int calls, long hangMs) {
        return new RunnerOptions(delayMs, failures, calls, hangMs);
    }
}
