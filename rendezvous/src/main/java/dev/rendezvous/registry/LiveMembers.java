package dev.rendezvous.registry;

import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.policy.Member;
import dev.rendezvous.protocol.ModelRegistration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The members each application's rendezvous waits for: registered, not retired, with a fresh
 * heartbeat, with their current registry role. Cached for 100 ms, since the rendezvous asks on every
 * evaluation and liveness only changes at heartbeat pace.
 */
public final class LiveMembers {
    private static final long REFRESH_MS = 100;

    private record Snapshot(long atMs, Set<Member> members) {
    }

    private final RegistryView registry;
    private final LongSupplier clock;
    private final Map<String, Snapshot> cache = new ConcurrentHashMap<>();

    public LiveMembers(RegistryView registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
    }

    public Set<Member> of(String app) {
        long now = clock.getAsLong();
        Snapshot snapshot = cache.get(app);
        if (snapshot == null || now - snapshot.atMs() >= REFRESH_MS) {
            Set<Member> members = new HashSet<>();
            for (ModelRegistration registration : registry.liveMembers(app, now)) {
                members.add(new Member(registration.ref(), registration.role()));
            }
            snapshot = new Snapshot(now, Set.copyOf(members));
            cache.put(app, snapshot);
        }
        return snapshot.members();
    }
}
