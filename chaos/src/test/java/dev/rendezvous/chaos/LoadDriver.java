package dev.rendezvous.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.protocol.JsonCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open-loop load on the gateway over loopback: one {@code POST /v1/score/fraud} every
 * {@code 1000 / rate} ms whatever the answers do, each with its own {@code X-Request-Id}, recording
 * every request's outcome (HTTP status or the transport error, the decision's outcome and reason, the
 * caller's latency). The features sent are kept by id, for the archive check.
 */
final class LoadDriver implements AutoCloseable {
    /** A request with no HTTP answer within this is a hang. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "chaos-load");
        thread.setDaemon(true);
        return thread;
    });
    private final URI target;
    private final int ratePerSecond;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Map<String, Number>> featuresById = new ConcurrentHashMap<>();
    /** When each running request was sent, for {@link #outstanding}. */
    private final Map<CompletableFuture<Outcome>, Long> sentAt = new ConcurrentHashMap<>();
    private final List<CompletableFuture<Outcome>> running = new ArrayList<>();
    private ScheduledFuture<?> ticks;
    private volatile String scenario;

    LoadDriver(int gatewayPort, int ratePerSecond) {
        this.target = URI.create("http://127.0.0.1:" + gatewayPort + "/v1/score/fraud");
        this.ratePerSecond = ratePerSecond;
    }

    /** Starts sending, every request labelled with {@code scenario}. */
    synchronized void begin(String scenario) {
        if (ticks != null) {
            throw new IllegalStateException("load already running for " + this.scenario);
        }
        this.scenario = scenario;
        ticks = ticker.scheduleAtFixedRate(this::sendOne, 0, 1_000_000 / ratePerSecond, TimeUnit.MICROSECONDS);
    }

    /** Stops sending and returns every request of the scenario once each has its outcome (at most the client timeout after the last). */
    List<Outcome> end() throws Exception {
        List<CompletableFuture<Outcome>> sent;
        synchronized (this) {
            ticks.cancel(false);
            ticks = null;
        }
        // The ticker is single-threaded: a task submitted now runs after any send in progress.
        ticker.submit(() -> { }).get(5, TimeUnit.SECONDS);
        synchronized (running) {
            sent = new ArrayList<>(running);
            running.clear();
        }
        sent.forEach(sentAt::remove);
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> future : sent) {
            outcomes.add(future.get(CLIENT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    /** The earliest send time of a request sent at or after {@code sinceMs} that a model decided, if one has been answered yet. */
    java.util.OptionalLong firstModelDecisionSentSince(long sinceMs) {
        List<CompletableFuture<Outcome>> sent;
        synchronized (running) {
            sent = new ArrayList<>(running);
        }
        return sent.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).map(CompletableFuture::join)
                .filter(o -> o.sentAtMs() >= sinceMs && "model".equals(o.outcome())).mapToLong(Outcome::sentAtMs).min();
    }

    /** How many requests sent more than {@code olderThanMs} ago have no outcome yet. */
    long outstanding(long olderThanMs) {
        long before = System.currentTimeMillis() - olderThanMs;
        synchronized (running) {
            return running.stream().filter(f -> !f.isDone() && sentAt.get(f) <= before).count();
        }
    }

    /** The features sent with a request, by id. */
    Map<String, Number> features(String id) {
        return featuresById.get(id);
    }

    private void sendOne() {
        long n = sequence.incrementAndGet();
        String id = "chaos-" + n;
        String label = scenario;
        Map<String, Number> features = new HashMap<>(DemoModels.sampleFeatures(n, 1).get(0));
        featuresById.put(id, features);
        HttpRequest request = HttpRequest.newBuilder(target).timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.encode(Map.of("features", features))))
                .build();
        long sentAtMs = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        CompletableFuture<Outcome> outcome = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                        return new Outcome(id, label, sentAtMs, 0, cause.getClass().getSimpleName() + ": " + cause.getMessage(), null, null, latencyMs, -1);
                    }
                    String decided = null;
                    String reason = null;
                    long gatewayLatencyMs = -1;
                    try {
                        JsonNode body = JsonCodec.mapper().readTree(response.body());
                        decided = body.path("outcome").isMissingNode() ? null : body.path("outcome").asText();
                        reason = body.has("reason") ? body.path("reason").asText() : body.path("error").asText(null);
                        gatewayLatencyMs = body.path("latencyMs").asLong(-1);
                    } catch (Exception e) {
                        reason = "unreadable body: " + response.body();
                    }
                    return new Outcome(id, label, sentAtMs, response.statusCode(), null, decided, reason, latencyMs, gatewayLatencyMs);
                });
        sentAt.put(outcome, sentAtMs);
        synchronized (running) {
            running.add(outcome);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /**
     * One request's fate.
     *
     * @param status  the HTTP status, or 0 when no HTTP answer came (then {@code error} says why)
     * @param outcome the decision's outcome ({@code model}, {@code fallback}, {@code timeout}) of a 200 or 504, else null
     * @param latencyMs        as this caller measured it, connection and queues included
     * @param gatewayLatencyMs the body's {@code latencyMs}: the gateway's own clock from admission to answer; -1 when the
     *                         body has none (503 refusals)
     */
    record Outcome(String id, String scenario, long sentAtMs, int status, String error, String outcome, String reason, long latencyMs,
                   long gatewayLatencyMs) {
        boolean answered() {
            return status != 0;
        }

        boolean decided() {
            return status == 200 && outcome != null;
        }
    }
}
