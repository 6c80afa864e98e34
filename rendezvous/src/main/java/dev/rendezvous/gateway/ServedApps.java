package dev.rendezvous.gateway;

import dev.rendezvous.app.AppSettings;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps this gateway serves, as a live map the routes read: the configured ones, and those
 * created while it runs ({@code POST /v1/admin/apps} here, or another gateway's, seen on the control
 * plane). Adding one fetches its requests topic's metadata first, because sends never wait for it.
 */
final class ServedApps {
    private static final Logger LOG = LoggerFactory.getLogger(ServedApps.class);

    /** What serving one more app takes, apart from the map entry. */
    interface Intake {
        /** Fetches the app's requests topic's metadata (blocking, at most 30 s). */
        void awaitMetadata(String app) throws InterruptedException;

        /** The app's adaptive limits ({@link AdaptiveLimit#forApps} for that one app), or none. */
        Map<String, AdaptiveLimit> adaptiveLimits(String app);
    }

    private final Map<String, AppSettings> apps = new ConcurrentSkipListMap<>();
    private volatile Intake intake;
    private volatile InflightLimiter limiter;

    ServedApps(Collection<AppSettings> configured) {
        configured.forEach(app -> apps.put(app.name(), app));
    }

    /** Wires what adding an app needs; the gateway calls it once both exist. */
    void connect(Intake intake, InflightLimiter limiter) {
        this.intake = intake;
        this.limiter = limiter;
    }

    /** The live map by name, in name order: what the routes hold. */
    Map<String, AppSettings> byName() {
        return apps;
    }

    boolean contains(String app) {
        return apps.containsKey(app);
    }

    /**
     * Starts serving {@code app} (its topics must exist): false if it is served already. Blocks while
     * the metadata is fetched, so never call it on an event loop.
     */
    boolean add(AppSettings app) throws InterruptedException {
        if (apps.containsKey(app.name())) {
            return false;
        }
        intake.awaitMetadata(app.name());
        synchronized (this) {
            if (apps.containsKey(app.name())) {
                return false;
            }
            limiter.addAdaptiveLimits(intake.adaptiveLimits(app.name()));
            apps.put(app.name(), app);
        }
        LOG.info("gateway: now serving app {} ({} partitions, deadline up to {} ms)", app.name(), app.partitions(), app.maxDeadlineMs());
        return true;
    }
}
