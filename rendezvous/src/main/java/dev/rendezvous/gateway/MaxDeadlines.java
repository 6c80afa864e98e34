package dev.rendezvous.gateway;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.registry.PolicyStore;
import java.util.Map;

/** The longest deadline each app's requests may have: the policy in force sets it; the configured one covers the moments before any policy is read. */
final class MaxDeadlines {
    private final Map<String, AppSettings> apps;
    private final PolicyStore policies;

    MaxDeadlines(Map<String, AppSettings> apps, PolicyStore policies) {
        // A live view: apps created while the gateway runs are added to it (ServedApps).
        this.apps = java.util.Collections.unmodifiableMap(apps);
        this.policies = policies;
    }

    long of(String app) {
        // orElseGet: an app being added (ServedApps) has its policy but is not in the map yet.
        return policies.current(app).map(Policy::deadlineMs).orElseGet(() -> apps.get(app).maxDeadlineMs());
    }

    /** The longest of every app's: how long an admitted request can wait at most, before the reply grace. */
    long longest() {
        return apps.keySet().stream().mapToLong(this::of).max().orElse(0);
    }
}
