package dev.rendezvous.deploy.launch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rendezvous.protocol.JsonCodec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management endpoints of one process, whatever services it runs: {@code GET /health/live} (200
 * while the process serves), {@code GET /health/ready} (200, or 503 with {@code problems}) and
 * {@code GET /metrics} (Prometheus text). The JDK's own HTTP server: three read-only routes need no
 * event loop, and a slow scrape cannot delay the gateway's. Two threads, so a slow scrape cannot
 * hold up a liveness probe either.
 */
final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final HttpServer server;
    private final ExecutorService threads;

    private ManagementServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    static ManagementServer start(String host, int port, PrometheusMeterRegistry metrics, Supplier<List<String>> readinessProblems) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("management.port " + port + " on " + host + " cannot be opened (" + e.getMessage()
                    + "); every process on a machine needs its own: --set management.port=<free port>, or 0 for any", e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                route(exchange, metrics, readinessProblems);
            } catch (IOException | RuntimeException e) {
                LOG.debug("management request {} failed: {}", exchange.getRequestURI(), e.toString());
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "management-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.start();
        LOG.info("management endpoints on http://{}:{}/health/ready and /metrics", host, server.getAddress().getPort());
        return new ManagementServer(server, threads);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void route(HttpExchange exchange, PrometheusMeterRegistry metrics, Supplier<List<String>> readinessProblems) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            json(exchange, 405, error("method " + exchange.getRequestMethod() + " is not allowed; the management endpoints are read-only", "method"));
            return;
        }
        switch (path) {
            case "/health/live" -> json(exchange, 200, JsonCodec.mapper().createObjectNode().put("status", "live"));
            case "/health/ready" -> {
                List<String> problems = readinessProblems.get();
                ObjectNode body = JsonCodec.mapper().createObjectNode().put("status", problems.isEmpty() ? "ready" : "not ready");
                if (!problems.isEmpty()) {
                    problems.forEach(body.putArray("problems")::add);
                }
                json(exchange, problems.isEmpty() ? 200 : 503, body);
            }
            case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
            default -> json(exchange, 404, error("no such endpoint; try /health/live, /health/ready or /metrics", "path " + path));
        }
    }

    private static ObjectNode error(String message, String where) {
        return JsonCodec.mapper().createObjectNode().put("error", message).put("where", where);
    }

    private static void json(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        send(exchange, status, "application/json", JsonCodec.encode(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
