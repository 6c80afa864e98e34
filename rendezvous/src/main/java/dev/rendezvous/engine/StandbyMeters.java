package dev.rendezvous.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * What a hot-standby rendezvous did with its decisions, per app: most are cancelled by the owner's
 * ({@code owner.decided}); those it published are takeovers, with how far past the deadline; a
 * duplicate (the owner answered too, later) and an expired hold are the cases to watch. Engine thread only.
 */
final class StandbyMeters {
    private final MeterRegistry registry;
    private final Map<String, Counter> ownerDecided = new HashMap<>();
    private final Map<String, Counter> takeovers = new HashMap<>();
    private final Map<String, Counter> duplicates = new HashMap<>();
    private final Map<String, Counter> expired = new HashMap<>();
    private final Map<String, Counter> refused = new HashMap<>();
    private final Map<String, Counter> unproven = new HashMap<>();
    private final Map<String, DistributionSummary> takeoverLateness = new HashMap<>();

    StandbyMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void ownerDecided(String app) {
        counter(ownerDecided, "rdv.rendezvous.standby.owner.decided", app).increment();
    }

    void tookOver(String app, long pastDeadlineMs) {
        counter(takeovers, "rdv.rendezvous.standby.takeovers", app).increment();
        takeoverLateness.computeIfAbsent(app, key -> DistributionSummary.builder("rdv.rendezvous.standby.takeover.past.deadline")
                .baseUnit("milliseconds").tag("app", key).register(registry)).record(Math.max(0, pastDeadlineMs));
    }

    void duplicate(String app) {
        counter(duplicates, "rdv.rendezvous.standby.duplicates", app).increment();
    }

    void expired(String app) {
        counter(expired, "rdv.rendezvous.standby.expired", app).increment();
    }

    /** A standby decision at a stage end or the deadline taken without proof that every score up to then was read. */
    void decidedUnproven(String app) {
        counter(unproven, "rdv.rendezvous.standby.decisions.unproven", app).increment();
    }

    /** A record the standby refused: the owner writes its dead letter, the standby only counts it. */
    void refusedLeftToOwner(String app) {
        counter(refused, "rdv.rendezvous.standby.refused", app).increment();
    }

    private Counter counter(Map<String, Counter> byApp, String name, String app) {
        return byApp.computeIfAbsent(app, key -> registry.counter(name, "app", key));
    }
}
