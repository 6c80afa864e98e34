package dev.rendezvous.runner;

import dev.rendezvous.kafka.RegistryView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Objects;

/**
 * How {@link ModelRunner#start} runs a version on its own: the model's knobs, where its meters go, and
 * whether and how it takes part in the registry. Production runners ({@code model deploy}) use
 * {@link #registered()}.
 *
 * @param runner     the model's knobs ({@link RunnerOptions#defaults()} in production)
 * @param meters     where the runner's meters go
 * @param membership whether it registers in {@code rdv.models}, and which registry view it follows
 */
public record StandaloneOptions(RunnerOptions runner, MeterRegistry meters, Membership membership) {

    public StandaloneOptions {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(membership, "membership");
    }

    /** Whether a version run on its own is registered, and with which registry view. */
    public sealed interface Membership {
    }

    /** Registered, following a registry view of its own that closes with the runner. */
    public record OwnView() implements Membership {
    }

    /** Registered, following {@code view}, which is shared with the caller; the caller keeps owning it and closes it. */
    public record SharedView(RegistryView view) implements Membership {
        public SharedView {
            Objects.requireNonNull(view, "view");
        }
    }

    /**
     * Not registered: no entry in {@code rdv.models}, no heartbeats, no reaction to retirement. For tests,
     * and for launchers that register runners themselves.
     */
    public record Unregistered() implements Membership {
    }

    /** A production runner: default knobs, meters in a private registry, registered with a registry view of its own. */
    public static StandaloneOptions registered() {
        return new StandaloneOptions(RunnerOptions.defaults(), new SimpleMeterRegistry(), new OwnView());
    }

    /** Like {@link #registered()}, but following the caller's registry view instead of one of its own. */
    public static StandaloneOptions following(RegistryView registry) {
        return registered().withMembership(new SharedView(registry));
    }

    /** Like {@link #registered()}, but not registered at all (see {@link Unregistered}). */
    public static StandaloneOptions unregistered() {
        return registered().withMembership(new Unregistered());
    }

    public StandaloneOptions withRunner(RunnerOptions options) {
        return new StandaloneOptions(options, meters, membership);
    }

    public StandaloneOptions withMeters(MeterRegistry registry) {
        return new StandaloneOptions(runner, registry, membership);
    }

    public StandaloneOptions withMembership(Membership choice) {
        return new StandaloneOptions(runner, meters, choice);
    }
}
