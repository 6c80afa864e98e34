package dev.rendezvous.model.runtimes.scoring;

import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every call of a model on a worker thread and waits for it at most the manifest's
 * {@code callTimeoutMs}, so that a model that hangs (no answer, the runner still heartbeating) cannot
 * hold its requests, or the ones behind them, for longer.
 *
 * <p>A call that takes longer is <em>abandoned</em>: it fails at once with {@link CallTimeoutException}
 * (a {@code call-timeout} score for every request in it), its thread is interrupted and left to finish
 * on its own, its eventual result is discarded, and the next call runs on a fresh worker. Java cannot
 * safely stop a thread (a native ONNX call cannot be stopped at all), so an abandoned call keeps its
 * thread until it returns. At most {@link #MAX_STUCK_CALLS} abandoned calls may be running at once;
 * beyond that the model is not called at all (every call fails at once as a {@code model-failure})
 * and {@link #isResponsive()} says no, until one of them returns. The model is closed once no call
 * is running in it: freeing a native session under a running call could crash the JVM.
 */
public final class TimeLimitedModel implements BatchModel {
    /** Abandoned calls allowed to run at once: each holds a thread and whatever the model holds for the call. */
    public static final int MAX_STUCK_CALLS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(TimeLimitedModel.class);

    private final BatchModel model;
    private final long timeoutMs;
    private final String name;
    private final AtomicInteger workersStarted = new AtomicInteger();
    private final Object lock = new Object();
    /** The worker for the next call; replaced when its call is abandoned. Guarded by {@link #lock}. */
    private ExecutorService worker;
    /** Calls running on some worker, abandoned or not. Guarded by {@link #lock}. */
    private int running;
    /** Abandoned calls still running. Guarded by {@link #lock}. */
    private int stuck;
    private boolean closed;

    /**
     * @param name what the logs and thread names call the model, e.g. {@code fraud/fraud-lr@2}
     */
    public TimeLimitedModel(BatchModel model, int callTimeoutMs, String name) {
        if (callTimeoutMs < 1) {
            throw new IllegalArgumentException("callTimeoutMs is " + callTimeoutMs + "; expected 1 or more milliseconds");
        }
        this.model = model;
        this.timeoutMs = callTimeoutMs;
        this.name = name;
    }

    @Override
    public Signature signature() {
        return model.signature();
    }

    @Override
    public boolean stacksRequests() {
        return model.stacksRequests();
    }

    @Override
    public boolean callsEachConcurrently() {
        return model.callsEachConcurrently();
    }

    @Override
    public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
        return call(() -> model.infer(inputs, deadlineAtMs));
    }

    /**
     * A model that runs its calls concurrently (remote) bounds each call itself (an HTTP timeout per
     * request, from its deadline): it gets each deadline capped at {@code callTimeoutMs} from now and
     * no worker thread. Wrapping the whole batch in one bounded call instead threw away the answers
     * that had come back whenever one request was slow, and the abandoned worker could not be freed.
     * Other models have each call bounded on its own, one after another.
     */
    @Override
    public List<Inference> inferEach(List<Map<String, TensorValue>> inputs, List<Long> deadlinesAtMs) {
        if (!model.callsEachConcurrently()) {
            return BatchModel.super.inferEach(inputs, deadlinesAtMs);
        }
        long cap = System.currentTimeMillis() + timeoutMs;
        List<Long> capped = new ArrayList<>(deadlinesAtMs.size());
        deadlinesAtMs.forEach(deadline -> capped.add(Math.min(deadline, cap)));
        return model.inferEach(inputs, capped);
    }

    /** False while {@link #MAX_STUCK_CALLS} abandoned calls are still running: the model is not called then. */
    public boolean isResponsive() {
        synchronized (lock) {
            return stuck < MAX_STUCK_CALLS;
        }
    }

    /** Abandoned calls still running. */
    public int stuckCalls() {
        synchronized (lock) {
            return stuck;
        }
    }

    private <T> T call(Callable<T> task) throws ModelFailureException {
        AtomicBoolean abandoned = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        ExecutorService current;
        Future<T> future;
        synchronized (lock) {
            if (closed) {
                throw new ModelFailureException("the model is closed: the runner is stopping", null);
            }
            if (stuck >= MAX_STUCK_CALLS) {
                throw new ModelFailureException("the model was not called: " + stuck + " earlier calls exceeded callTimeoutMs (" + timeoutMs
                        + " ms) and are still running; it is called again once one of them returns", null);
            }
            if (worker == null) {
                worker = newWorker();
            }
            current = worker;
            running++;
            future = current.submit(() -> {
                try {
                    return task.call();
                } finally {
                    returned(abandoned, finished);
                }
            });
        }
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (abandon(current, abandoned, finished)) {
                throw new CallTimeoutException("the model call did not return within callTimeoutMs (" + timeoutMs
                        + " ms); the runner stopped waiting for it");
            }
            return resultOf(future);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(current, abandoned, finished);
            throw new ModelFailureException("interrupted while waiting for the model call", e);
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    /** Gives up on a call (unless it has just finished): its worker is retired and interrupted, the next call gets a new one. */
    private boolean abandon(ExecutorService current, AtomicBoolean abandoned, AtomicBoolean finished) {
        int nowStuck;
        synchronized (lock) {
            // Under the lock, as in returned(): a call either finished first, or is counted stuck until it returns.
            if (finished.get()) {
                return false;
            }
            abandoned.set(true);
            nowStuck = ++stuck;
            if (worker == current) {
                worker = null;
            }
        }
        current.shutdownNow();
        if (nowStuck >= MAX_STUCK_CALLS) {
            LOG.error("{}: {} model calls exceeded callTimeoutMs ({} ms) and are still running; until one returns the model is not called "
                    + "(its requests get model-failure scores at once) and the runner stops heartbeating", name, nowStuck, timeoutMs);
        } else {
            LOG.warn("{}: a model call exceeded callTimeoutMs ({} ms) and was abandoned (its requests get call-timeout scores); "
                    + "{} abandoned calls still running", name, timeoutMs, nowStuck);
        }
        return true;
    }

    /** Called on the worker when a call ends, abandoned or not. */
    private void returned(AtomicBoolean abandoned, AtomicBoolean finished) {
        synchronized (lock) {
            finished.set(true);
            running--;
            if (abandoned.get()) {
                stuck--;
                LOG.info("{}: an abandoned model call returned; its result is discarded; {} still running", name, stuck);
            }
            if (closed && running == 0) {
                model.close();
            }
        }
    }

    private static <T> T resultOf(Future<T> future) throws ModelFailureException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFailureException("interrupted while waiting for the model call", e);
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    private static ModelFailureException rethrown(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ModelFailureException failure) {
            return failure;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new ModelFailureException(cause.toString(), cause);
    }

    private ExecutorService newWorker() {
        String threadName = "model-call-" + name + "-" + workersStarted.incrementAndGet();
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            // A stuck call must not keep the JVM from exiting.
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Closes the model now, or when the last running (abandoned) call returns. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (worker != null) {
                worker.shutdown();
            }
            if (running == 0) {
                model.close();
            } else {
                LOG.warn("{}: {} model calls are still running; the model is closed when they return", name, running);
            }
        }
    }
}
