package dev.rendezvous.deploy.launch;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.registry.PolicyStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up, in every service of this process, the apps created while it runs. The control plane is
 * the list of apps: an app exists once {@code rdv.policies} holds a policy for it ({@code POST
 * /v1/admin/apps} seeds one after creating its topics). Each app that is not configured here, seen
 * when its first policy is read (or at start, for one created in an earlier run), is handed to each
 * local service on a thread of its own (the policy reader must not block).
 */
final class AppFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppFollower.class);

    /** One service of this process that can take up an app. */
    interface Taker {
        void takeUp(AppSettings app) throws Exception;
    }

    private final KafkaSettings kafka;
    private final PolicyStore policies;
    private final Map<String, Taker> takers = new LinkedHashMap<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "app-follower");
        thread.setDaemon(true);
        return thread;
    });

    /** @param configured the apps the services started with */
    AppFollower(KafkaSettings kafka, PolicyStore policies, Collection<String> configured) {
        this.kafka = kafka;
        this.policies = policies;
        known.addAll(configured);
    }

    /** Registers a local service under the name its log lines use; call before {@link #start()}. */
    AppFollower add(String service, Taker taker) {
        takers.put(service, taker);
        return this;
    }

    /** Starts following: apps that have a policy already and are not configured are taken up at once. */
    AppFollower start() {
        policies.onApp(app -> {
            if (known.add(app)) {
                executor.execute(() -> takeUp(app));
            }
        });
        return this;
    }

    /** Tries to describe a new app's topics (a Kafka hiccup, topics not visible to this broker yet) before giving up. */
    private static final int DESCRIBE_TRIES = 5;

    private void takeUp(String app) {
        int partitions = -1;
        String problem = null;
        // The policy listener fires once per app: a failure here is retried now, or the app is never taken up.
        for (int attempt = 1; attempt <= DESCRIBE_TRIES && partitions < 0; attempt++) {
            try (Admin admin = kafka.newAdmin("app-follower")) {
                String requests = kafka.topics().requests(app);
                TopicDescription described = admin.describeTopics(List.of(requests)).allTopicNames().get(30, TimeUnit.SECONDS).get(requests);
                partitions = described.partitions().size();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                problem = e.getMessage();
                try {
                    Thread.sleep(1000L << (attempt - 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (partitions < 0) {
            LOG.warn("app {} has a policy but its topics could not be described in {} tries ({}); not taken up by this process "
                    + "until it restarts (POST /v1/admin/apps creates the topics before the policy)", app, DESCRIBE_TRIES, problem);
            known.remove(app);
            return;
        }
        // The listener runs after the policy is in force, so it is there; the gateway follows the policy's deadline anyway.
        long deadlineMs = policies.current(app).map(Policy::deadlineMs).orElse(100L);
        AppSettings settings = new AppSettings(app, partitions, deadlineMs);
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Taker> taker : takers.entrySet()) {
            try {
                taker.getValue().takeUp(settings);
                done.add(taker.getKey());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.error("app {}: the {} could not take it up: {}", app, taker.getKey(), e.toString());
            }
        }
        LOG.info("app {} ({} partitions) taken up without a restart by: {}", app, partitions, done);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
