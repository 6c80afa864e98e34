package dev.rendezvous.bench.targets;

import dev.rendezvous.bench.load.LoadTarget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * {@code POST} of a demo body to one URL through a non-blocking Vert.x client with a keep-alive
 * connection pool; completes with the status once the whole answer has arrived.
 */
public final class HttpTarget implements LoadTarget {
    private static final String LATENCY_FIELD = "\"latencyMs\":";
    private static final String ID_FIELD = "\"id\":\"";
    private final String name;
    private final HttpClientAgent client;
    private final RequestOptions request;
    private final Payloads payloads;
    private final Context context;
    private final Histogram serverLatencyMillis = new ConcurrentHistogram(60_000, 3);
    private volatile BiConsumer<String, Long> answerListener;

    /**
     * @param vertx       the client's own Vert.x instance (not the server's: their event loops must not share work)
     * @param connections the pool size; HTTP/1.1 carries one request per connection at a time, so this
     *                    bounds the requests in flight
     */
    public HttpTarget(String name, Vertx vertx, String host, int port, String path, Payloads payloads, int connections) {
        this.name = name;
        this.payloads = payloads;
        this.context = vertx.getOrCreateContext();
        // TCP_NODELAY is Vert.x's default; set anyway, since Nagle + delayed ACK costs ~40 ms a request (measured facts).
        HttpClientOptions options = new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true)
                .setDefaultHost(host).setDefaultPort(port).setIdleTimeout(0);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
                .putHeader("Content-Type", "application/json").setIdleTimeout(30_000);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The whole exchange runs on the client's event loop: composed from the generator's thread, a step
     * whose future had already completed ran on that thread and could ask for a response body after the
     * event loop had finished reading it — an answer that never completes (seen: 14 of 800 requests).
     */
    @Override
    public CompletionStage<Integer> send(long sequence) {
        Buffer body = Buffer.buffer(payloads.httpBody(sequence));
        CompletableFuture<Integer> done = new CompletableFuture<>();
        context.runOnContext(v -> client.request(new RequestOptions(request))
                .compose(req -> req.send(body))
                .compose(response -> response.body().map(answer -> {
                    recordServerLatency(answer);
                    return response.statusCode();
                }))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        done.complete(result.result());
                    } else {
                        done.completeExceptionally(result.cause());
                    }
                }));
        return done;
    }

    /**
     * The server's own view of the request, from the {@code latencyMs} field of its answer (receipt of
     * the parsed request → answer written): the client's latency minus this is connection, socket and
     * event-loop queueing on both sides.
     */
    private void recordServerLatency(Buffer answer) {
        String text = answer.toString();
        int at = text.indexOf(LATENCY_FIELD);
        if (at < 0) {
            return;
        }
        int from = at + LATENCY_FIELD.length();
        int to = from;
        while (to < text.length() && Character.isDigit(text.charAt(to))) {
            to++;
        }
        if (to > from) {
            long latencyMs = Long.parseLong(text, from, to, 10);
            serverLatencyMillis.recordValue(Math.min(latencyMs, serverLatencyMillis.getHighestTrackableValue()));
            BiConsumer<String, Long> listener = answerListener;
            int id = text.indexOf(ID_FIELD);
            if (listener != null && id >= 0) {
                int idFrom = id + ID_FIELD.length();
                int idTo = text.indexOf('"', idFrom);
                if (idTo > idFrom) {
                    listener.accept(text.substring(idFrom, idTo), latencyMs);
                }
            }
        }
    }

    /** Hands the request id and the server's {@code latencyMs} of every answer to {@code listener}; null to stop. */
    public void onAnswer(BiConsumer<String, Long> listener) {
        this.answerListener = listener;
    }

    /** The server-side latencies (ms) recorded since the last call, then forgotten. */
    public Histogram takeServerLatencyMillis() {
        Histogram taken = serverLatencyMillis.copy();
        serverLatencyMillis.reset();
        return taken;
    }

    @Override
    public void close() {
        client.close();
    }
}
