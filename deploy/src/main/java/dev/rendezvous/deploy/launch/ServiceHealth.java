package dev.rendezvous.deploy.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether this process's services are ready: each started service adds a check, and Kafka's
 * reachability is probed in the background every two seconds, so that {@code /health/ready} answers
 * at once and never waits on Kafka.
 */
final class ServiceHealth implements AutoCloseable {
    private final List<Supplier<List<String>>> checks = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "management-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private final BooleanSupplier kafkaReachable;
    private volatile boolean kafkaOk;
    private volatile boolean started;
    private volatile boolean stopping;

    /** @param kafkaReachable blocks for at most a few seconds; called on the probe's own thread */
    ServiceHealth(BooleanSupplier kafkaReachable) {
        this.kafkaReachable = kafkaReachable;
    }

    ServiceHealth start() {
        scheduler.scheduleWithFixedDelay(this::probeKafka, 0, 2, TimeUnit.SECONDS);
        return this;
    }

    /** A check that holds while {@code healthy} says so, else reports {@code problem}. */
    void require(String problem, BooleanSupplier healthy) {
        checks.add(() -> healthy.getAsBoolean() ? List.of() : List.of(problem));
    }

    /** A check that reports any number of problems (e.g. one per model runner). */
    void require(Supplier<List<String>> problems) {
        checks.add(problems);
    }

    /** Every service is up: until then, readiness says the process is still starting. */
    void started() {
        started = true;
    }

    void stopping() {
        stopping = true;
    }

    /** Empty when ready. */
    List<String> problems() {
        List<String> found = new ArrayList<>();
        if (stopping) {
            found.add("shutting down");
        } else if (!started) {
            found.add("starting: not every service of this process is up yet");
        }
        if (!kafkaOk) {
            found.add("Kafka is unreachable (checked every 2 s)");
        }
        for (Supplier<List<String>> check : checks) {
            found.addAll(check.get());
        }
        return found;
    }

    private void probeKafka() {
        try {
            kafkaOk = kafkaReachable.getAsBoolean();
        } catch (RuntimeException e) {
            kafkaOk = false;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
