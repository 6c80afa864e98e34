package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.Selector;
import dev.rendezvous.policy.SplitVariant;
import dev.rendezvous.policy.Stage;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.registry.PolicyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the Open Inference Protocol calls an app's "model versions": its registered, not retired
 * model versions, named {@code name@version}; which of them the policy serves first; and which one a
 * {@code /versions/{v}} path segment means ({@code name@version}, or a bare version when exactly one
 * of the app's models has it).
 */
final class AppModels {
    private final RegistryView registry;
    private final PolicyStore policies;
    private final LongSupplier clock;

    AppModels(RegistryView registry, PolicyStore policies, LongSupplier clock) {
        this.registry = registry;
        this.policies = policies;
        this.clock = clock;
    }

    /** The app's registered model versions that are not retired, sorted by name and version. */
    List<ModelRegistration> versions(String app) {
        return registry.registrations().stream()
                .filter(r -> r.app().equals(app) && r.role() != ModelRole.RETIRED)
                .toList();
    }

    /**
     * The version the app's policy prefers first — split preferences, then stages, in order — among
     * those alive now (else among all registered); without a policy, the first live-role one.
     */
    Optional<ModelRegistration> served(String app) {
        List<ModelRegistration> versions = versions(app);
        List<ModelRegistration> alive = versions.stream().filter(this::alive).toList();
        Optional<Policy> policy = policies.current(app);
        if (policy.isEmpty()) {
            return versions.stream().filter(r -> r.role() == ModelRole.LIVE).findFirst();
        }
        List<Selector> order = new ArrayList<>();
        policy.get().split().stream().map(SplitVariant::prefer).forEach(order::addAll);
        policy.get().stages().stream().map(Stage::accept).forEach(order::addAll);
        for (List<ModelRegistration> candidates : List.of(alive, versions)) {
            for (Selector selector : order) {
                Optional<ModelRegistration> match = candidates.stream().filter(r -> selector.accepts(r.ref(), r.role())).findFirst();
                if (match.isPresent()) {
                    return match;
                }
            }
        }
        return Optional.empty();
    }

    /** The model version a {@code /versions/{v}} segment names; 400 when malformed or ambiguous, 404 when unknown. */
    ModelRegistration resolve(String app, String segment) {
        List<ModelRegistration> versions = versions(app);
        List<ModelRegistration> matches;
        if (segment.contains("@")) {
            ModelRef ref;
            try {
                ref = ModelRef.parse(segment);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, e.getMessage(), "path version");
            }
            matches = versions.stream().filter(r -> r.ref().equals(ref)).toList();
        } else {
            matches = versions.stream().filter(r -> r.version().equals(segment)).toList();
        }
        if (matches.isEmpty()) {
            throw new ApiError(404, "app '" + app + "' has no registered model version '" + CallerHeaders.abbreviate(segment) + "'; versions: "
                    + versions.stream().map(r -> r.ref().toString()).toList(), "path version");
        }
        if (matches.size() > 1) {
            throw new ApiError(400, "version '" + segment + "' is ambiguous in app '" + app + "'; name one of "
                    + matches.stream().map(r -> r.ref().toString()).toList() + " as name@version", "path version");
        }
        return matches.get(0);
    }

    /** Whether the policy in force could ever serve this version (true before any policy is read). */
    boolean servable(ModelRegistration version) {
        return policies.current(version.app()).map(p -> p.canServe(version.ref(), version.role())).orElse(true);
    }

    boolean alive(ModelRegistration version) {
        return registry.isAlive(version.app(), version.ref(), clock.getAsLong());
    }

    /** The registration's signature member ({@code inputs} or {@code outputs}) when it is an array of OIP tensor metadata; else empty. */
    static Optional<JsonNode> signature(ModelRegistration version, String member) {
        JsonNode signature = version.signature();
        if (signature == null || !signature.path(member).isArray()) {
            return Optional.empty();
        }
        return Optional.of(signature.get(member));
    }
}
