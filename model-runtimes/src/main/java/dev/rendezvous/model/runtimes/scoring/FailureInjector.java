package dev.rendezvous.model.runtimes.scoring;

import dev.rendezvous.protocol.ScoringRequest;
import java.util.Optional;

/**
 * Makes a model fail on chosen requests, for tests and demonstrations of a model that breaks on some
 * inputs; the request gets a {@code model-failure} score instead of an output.
 */
@FunctionalInterface
public interface FailureInjector {
    FailureInjector NONE = request -> Optional.empty();

    /** Why this request fails, or empty to score it normally. */
    Optional<String> failureFor(ScoringRequest request);

    /** Fails requests whose numeric feature {@code feature} is above {@code threshold}. */
    static FailureInjector featureAbove(String feature, double threshold) {
        return new FeatureAbove(feature, threshold);
    }

    /** A record rather than a lambda, so that logs show what a runner was told to fail on. */
    record FeatureAbove(String feature, double threshold) implements FailureInjector {
        @Override
        public Optional<String> failureFor(ScoringRequest request) {
            if (request.features() == null || !request.features().path(feature).isNumber()) {
                return Optional.empty();
            }
            double value = request.features().get(feature).doubleValue();
            return value > threshold
                    ? Optional.of("injected failure: feature '" + feature + "' is " + value + ", above " + threshold)
                    : Optional.empty();
        }
    }
}
