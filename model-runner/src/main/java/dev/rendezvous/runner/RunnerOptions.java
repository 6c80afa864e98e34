package dev.rendezvous.runner;

import dev.rendezvous.runner.scoring.FailureInjector;
import java.util.Objects;

/**
 * How a runner behaves beyond what its manifest says: knobs for tests and demonstrations that need a
 * slow model or one that fails on some inputs. Production runners use {@link #defaults()}.
 *
 * @param delayMs  extra time each model call takes, simulating a slow model
 * @param failures which requests the model fails on, reported as {@code model-failure} scores
 */
public record RunnerOptions(long delayMs, FailureInjector failures) {

    public RunnerOptions {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs is " + delayMs + "; expected 0 or more milliseconds");
        }
        Objects.requireNonNull(failures, "failures");
    }

    public static RunnerOptions defaults() {
        return new RunnerOptions(0, FailureInjector.NONE);
    }

    public RunnerOptions withDelayMs(long delay) {
        return new RunnerOptions(delay, failures);
    }

    /** Fails every request whose numeric feature {@code feature} is above {@code threshold}. */
    public RunnerOptions failingWhenFeatureAbove(String feature, double threshold) {
        return new RunnerOptions(delayMs, FailureInjector.featureAbove(feature, threshold));
    }
}
